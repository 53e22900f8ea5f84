import { render } from 'preact';
import { Popup } from '../../components/Popup';
import { t, uiLanguage } from '../../utils/i18n';
import '../../components/library/palette.css';
import '../../components/library/library.css';
import './style.css';

document.documentElement.lang = uiLanguage();
document.title = t('popupTitle');
render(<Popup />, document.getElementById('app')!);
