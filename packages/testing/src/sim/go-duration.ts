/**
 * Formats milliseconds the way Go's time.Duration prints them, which is what OpenAI and Groq send in
 * their reset headers: "0s", "12ms", "7.66s", "6m0s", "2m59.56s", "1h0m0s".
 */
export function formatGoDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  if (ms < 1000) return `${trimDecimals(ms)}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  const secondsText = `${trimDecimals(seconds)}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}

function trimDecimals(value: number): string {
  // Up to millisecond precision for seconds, microsecond-ish for milliseconds; no trailing zeros.
  return String(Math.round(value * 1000) / 1000);
}
