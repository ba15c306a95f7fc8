'use client';

import { useEffect, useState } from 'react';

/**
 * Sends the browser's UTC offset (minutes east) with the list's date filter, so a day means the
 * viewer's day. Without JavaScript the field stays empty and days are read in UTC.
 */
export function TimeZoneField() {
  const [offset, setOffset] = useState('');
  useEffect(() => setOffset(String(-new Date().getTimezoneOffset())), []);
  return <input type="hidden" name="tz" value={offset} />;
}
