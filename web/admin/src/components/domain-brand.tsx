/**
 * The header's brand: for a domain's administrators the domain's logo and name, for server
 * administrators "Hearth". The logo comes from GET /api/v1/domains/{domain}/logo with the bearer
 * token (an <img src> could not send it), shown through an object URL; no logo, no image.
 */
import { useEffect, useState } from 'preact/hooks';
import { seg, token } from '../api';

export function DomainBrand({ domain }: { domain: string | null }) {
  const [logo, setLogo] = useState<string | null>(null);
  useEffect(() => {
    setLogo(null);
    if (!domain) return;
    let url: string | null = null;
    let live = true;
    fetch(`/api/v1/domains/${seg(domain)}/logo`, { headers: { authorization: `Bearer ${token.get() ?? ''}` }, credentials: 'omit' })
      .then(async (r) => {
        if (!r.ok || !live) return;
        url = URL.createObjectURL(await r.blob());
        if (live) setLogo(url);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [domain]);
  return (
    <div class="brand">
      {logo && <img src={logo} alt="" class="logo" />}
      <span class="brand-name">{domain ?? 'Hearth'}</span>
      <span class="brand-sub">administration</span>
    </div>
  );
}
