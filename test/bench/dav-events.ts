/** The DAV benchmark's calendar: event i of 10,000 over two years, one in fifty weekly recurring (COUNT=20). */
export const BENCH_USER = 'bench@bench.test';
export const BENCH_PASSWORD = 'Bench-pass-1';

export function benchEvent(i: number): string {
  const day = new Date(Date.UTC(2025, 0, 1) + (i % 730) * 86_400_000 + (i % 10) * 3_600_000);
  const f = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const rrule = i % 50 === 0 ? 'RRULE:FREQ=WEEKLY;COUNT=20\r\n' : '';
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\nUID:bench-${i}\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:${f(day)}\r\nDTEND:${f(new Date(day.getTime() + 3_600_000))}\r\n${rrule}SUMMARY:Event ${i}\r\nDESCRIPTION:Benchmark event number ${i} with some text to make it realistic.\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}
