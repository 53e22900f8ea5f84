import type { AggregatorId } from '../types';

/** Brand names as the aggregators write them ("via inkl"). Brands are not translated. */
export const AGGREGATOR_NAMES: Record<AggregatorId, string> = {
  inkl: 'inkl',
  msn: 'MSN',
  yahoo: 'Yahoo News',
  'yahoo-japan': 'Yahoo! News Japan',
  aol: 'AOL',
  flipboard: 'Flipboard',
  newsbreak: 'NewsBreak',
  smartnews: 'SmartNews',
  groundnews: 'Ground News',
  newsnow: 'NewsNow',
};

export function aggregatorName(id: AggregatorId | null | undefined): string | null {
  if (!id) return null;
  return (AGGREGATOR_NAMES as Record<string, string>)[id] ?? id;
}
