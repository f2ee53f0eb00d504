// Regenerates west-africa.json from Natural Earth (via the npm package
// `world-atlas`). Not part of the build: run by hand, then commit the output.
//
//   mkdir /tmp/geo && cd /tmp/geo && npm install world-atlas@2 topojson-client@3
//   node /path/to/make-west-africa.js > /path/to/west-africa.json
//
// Output: { source, countries: [{ name, id, neighbour, rings: [[lon,lat,lon,lat,...], ...] }] }
// Rings are simplified (Douglas-Peucker, 0.02°) and rounded to 0.01° (~1 km).
const topo = require(process.cwd() + "/node_modules/world-atlas/countries-50m.json");
const { feature } = require(process.cwd() + "/node_modules/topojson-client");

// Mali and its neighbours (named in the brief), then the coastal states whose
// ports are exits, so the map has no holes where a route leaves the country.
const FOCUS = ["Mali", "Algeria", "Niger", "Burkina Faso", "Côte d'Ivoire", "Guinea", "Senegal", "Mauritania"];
const CONTEXT = ["Gambia", "Guinea-Bissau", "Sierra Leone", "Liberia", "Ghana", "Togo", "Benin", "Nigeria", "W. Sahara", "Morocco", "Libya", "Chad"];
const TOL = 0.02;

// A closed ring's ends coincide, so it is simplified as two open halves.
function simplifyRing(ring) {
  const mid = ring.length >> 1;
  return simplify(ring.slice(0, mid + 1)).concat(simplify(ring.slice(mid)).slice(1));
}

function simplify(pts) {
  if (pts.length < 3) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [x1, y1] = pts[a], [x2, y2] = pts[b];
    const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1e-12;
    let best = -1, dmax = 0;
    for (let i = a + 1; i < b; i++) {
      const d = Math.abs(dy * pts[i][0] - dx * pts[i][1] + x2 * y1 - y2 * x1) / len;
      if (d > dmax) { dmax = d; best = i; }
    }
    if (dmax > TOL) { keep[best] = 1; stack.push([a, best], [best, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}

const r2 = (x) => Math.round(x * 100) / 100;
const countries = [];
for (const g of topo.objects.countries.geometries) {
  const name = g.properties.name;
  if (!FOCUS.includes(name) && !CONTEXT.includes(name)) continue;
  const f = feature(topo, g);
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const rings = [];
  for (const poly of polys) {
    for (const ring of poly) {
      const s = simplifyRing(ring);
      if (s.length < 4) continue;
      rings.push(s.flatMap(([x, y]) => [r2(x), r2(y)]));
    }
  }
  countries.push({ name, id: g.id, neighbour: !FOCUS.includes(name) ? true : undefined, rings });
}
countries.sort((a, b) => a.name.localeCompare(b.name));
process.stdout.write(JSON.stringify({
  source: "Natural Earth 1:50m admin-0 countries (public domain), via the npm package world-atlas 2 (countries-50m.json); simplified to 0.02 deg, rounded to 0.01 deg",
  countries,
}) + "\n");
