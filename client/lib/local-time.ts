// Shared with the notifications service's emails, so they show times as these pages do.
export { formatInZone } from '../../common/src/display/format';
