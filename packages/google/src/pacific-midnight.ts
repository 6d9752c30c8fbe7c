// Gemini's per-day quotas reset at midnight Pacific time (America/Los_Angeles), which is UTC-8 or
// UTC-7 depending on daylight saving. Intl knows the rules, so no offset is hard-coded.

let format: Intl.DateTimeFormat | undefined;

function wallClock(ms: number): { year: number; month: number; day: number; asUtc: number } {
  format ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return { year, month, day, asUtc: Date.UTC(year, month - 1, day, hour, minute, second) };
}

/** How far Pacific wall-clock time is ahead of UTC at `ms` (negative: -8 h or -7 h). */
function offsetAt(ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClock(whole).asUtc - whole;
}

/** The next midnight in America/Los_Angeles after `now` (epoch ms). */
export function nextPacificMidnight(now: number): number {
  const today = wallClock(now);
  const midnightWall = Date.UTC(today.year, today.month - 1, today.day + 1);
  // The offset at that midnight can differ from now's (a DST change happens at 2 a.m. in between):
  // take it from a first guess, then once more from the corrected one.
  const guess = midnightWall - offsetAt(now);
  return midnightWall - offsetAt(guess);
}

export function msUntilPacificMidnight(now: number): number {
  return nextPacificMidnight(now) - now;
}
