/** One request, as the access log records it: what was asked and how it ended, never its text or key. */
export type AccessLogEntry = {
  time: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  tenant?: string;
  stream?: boolean;
  /** Set when the request ended before its response did (the client went away or the stream broke). */
  incomplete?: true;
  /** Set when the gateway cut a stream whose client stopped reading for `writeTimeoutMs`. */
  writeTimeout?: true;
  requestBytes?: number;
};

export type AccessLogger = (entry: AccessLogEntry) => void;

export function accessLogger(option: boolean | AccessLogger | undefined): AccessLogger | undefined {
  if (typeof option === 'function') return option;
  if (option !== true) return undefined;
  return (entry) => {
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  };
}
