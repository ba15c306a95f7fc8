/** Makes room for one more entry by dropping the oldest (Maps keep insertion order). */
export function bounded<K, V>(map: Map<K, V>, capacity: number): Map<K, V> {
  while (map.size >= capacity) map.delete(map.keys().next().value!);
  return map;
}
