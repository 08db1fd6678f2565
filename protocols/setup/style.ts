/**
 * The set-up page's one stylesheet (served at /setup/style.css so that the CSP needs no
 * 'unsafe-inline'): readable on a phone (one column, large touch targets), WCAG AA contrast,
 * visible keyboard focus.
 */
export const STYLE = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c7c7c7; --accent: #0b57a4; --danger: #a4160b; --bg: #ffffff; --panel: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
p, li { color: var(--ink); }
.muted { color: var(--muted); }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.skip:focus { left: .5rem; }
:focus-visible { outline: 3px solid #e08a00; outline-offset: 2px; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
fieldset { border: 1px solid var(--line); border-radius: .4rem; margin: .75rem 0; padding: .5rem .75rem; }
legend { font-weight: 600; padding: 0 .25rem; }
fieldset label { display: flex; gap: .5rem; align-items: center; font-weight: 400; margin: .35rem 0; }
input[type=email], input[type=password], input[type=datetime-local], textarea { width: 100%; font: inherit; padding: .6rem; border: 1px solid #767676; border-radius: .3rem; }
input[type=radio], input[type=checkbox] { width: 1.25rem; height: 1.25rem; }
textarea { min-height: 6rem; }
button, .button { display: inline-block; font: inherit; font-weight: 600; min-height: 2.75rem; padding: .55rem 1rem; margin: .75rem 0; border-radius: .3rem; border: 0; background: var(--accent); color: #fff; text-decoration: none; cursor: pointer; }
button.danger { background: var(--danger); }
button.link { background: none; color: var(--accent); text-decoration: underline; padding: 0; min-height: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { width: 40%; font-weight: 600; }
.panel { background: var(--panel); border-radius: .4rem; padding: .75rem 1rem; margin: .75rem 0; }
.notice { border-left: 4px solid var(--accent); background: var(--panel); padding: .5rem .75rem; }
.error { border-left: 4px solid var(--danger); background: #fbeaea; padding: .5rem .75rem; }
.qrs { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.qrs figure { margin: 0; max-width: 12rem; }
svg.qr { width: 12rem; height: 12rem; display: block; }
figcaption { font-size: .9rem; color: var(--muted); overflow-wrap: anywhere; }
header.top { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; }
`;
