/** HTML text escaping and the page frame of the set-up page (lang, viewport, one stylesheet, no script). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tagged template: interpolated values are escaped unless they are `Raw`. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);
export function html(parts: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = parts[0];
  values.forEach((v, i) => {
    const one = (x: unknown): string => (x instanceof Raw ? x.html : x === null || x === undefined || x === false ? '' : escapeHtml(String(x)));
    out += (Array.isArray(v) ? v.map(one).join('') : one(v)) + parts[i + 1];
  });
  return new Raw(out);
}

export function page(title: string, body: Raw): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/setup/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<main id="main">
${body.html}
</main>
</body>
</html>
`;
}
