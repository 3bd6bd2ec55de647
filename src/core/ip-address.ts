/**
 * One spelling per IP address, so that PostgreSQL's client_addr and the kernel's socket tables can
 * be compared: IPv4 dotted, IPv6 in full lowercase groups, an IPv4-mapped IPv6 address
 * (::ffff:10.0.0.5, what a dual-stack server shows for an IPv4 client) as its IPv4 address.
 * Returns null for what is not an address.
 */
export function canonicalIp(text: string): string | null {
  const s = text.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (IPV4.test(s)) return ipv4(s);
  if (!s.includes(':')) return null;
  const groups = ipv6Groups(s);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return groups.map((g) => g.toString(16)).join(':');
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function ipv4(s: string): string | null {
  const parts = s.split('.').map(Number);
  return parts.every((p) => p <= 255) ? parts.join('.') : null;
}

function ipv6Groups(s: string): number[] | null {
  // A dotted IPv4 tail (::ffff:10.0.0.5) is two groups written differently.
  const text = s.replace(/(\d{1,3}(?:\.\d{1,3}){3})$/, (dotted) => {
    const [a = 0, b = 0, c = 0, d = 0] = (ipv4(dotted) ?? '256.0.0.0').split('.').map(Number);
    return a > 255 ? 'x' : `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  });
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : []);
  const head = parse(halves[0]);
  const rest = parse(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g)) ? groups : null;
}
