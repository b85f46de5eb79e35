/** How deep a request body may nest. Real bodies nest 3 or 4 levels; the limit keeps recursive walks safe. */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests objects or arrays deeper than `maxDepth`. Walks with its own stack, so depth cannot overflow it. */
export function exceedsDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
