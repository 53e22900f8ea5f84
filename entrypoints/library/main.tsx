import { render } from 'preact';
import { LibraryPage } from '../../components/library/LibraryPage';
import { t, uiDirection, uiLanguage } from '../../utils/i18n';
import '../../utils/runtime/reader/reader.css';
import '../../components/library/palette.css';
import '../../components/library/library.css';
import './style.css';

document.documentElement.lang = uiLanguage();
document.documentElement.dir = uiDirection();
document.title = t('libPageTitle');
render(<LibraryPage />, document.getElementById('app')!);
