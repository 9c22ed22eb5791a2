// newsgen search page: searches the index in /search-index/ (see newsgen.search) for the string typed.
// Reads ?q=…&region=…&topic=…&year=…&sort=date, keeps the address in step with the form, and lists
// results as the theme lists articles. Excerpts are built as text and <mark> only.
//
// The index holds every pair of adjacent characters of each article's title, body and names (places
// at every level, topics, tags, authors), in key files shared by every year and fetched on demand
// (one a pair). A query is cut into the same pairs: an article holding all of them is a candidate,
// and the article's own card or text says whether it holds the string itself. Ranking: the title holds
// the whole query (as typed, then with its words apart), then the body, then a name it is filed under, then only parts of the query;
// newest first within each.
const PAGE_SIZE = 10;
const FORMAT = 3;
const TITLE = 0, NAMES = 1, BODY = 2, PARTS = 3;
const ORDER = [TITLE, BODY, NAMES];   // which field holding a run ranks first
// pairs looked up for one query at most (each is a key file, a few kB): every pair of a run of up to
// this many characters, spread over a longer query. The more pairs, the fewer candidates hold them
// apart, each of which would cost its text to be checked
const MAX_KEYS = 12;

const root = document.getElementById("search");
const form = root.querySelector("form");
const input = form.elements.q;
const selects = { region: form.elements.region, topic: form.elements.topic, year: form.elements.year };
const sortSelect = form.elements.sort;
const status = root.querySelector(".search-status");
const offer = root.querySelector(".search-offer");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");
const bundleUrl = root.dataset.bundle;
const baseUrl = root.dataset.base;

let index = null;     // shards.json: { keys, shards: [{name, bundle, pages, size}], filters: {region, topic, year} }
let results = [];
let shown = 0;
let generation = 0;
let lastRuns = [];
const collator = new Intl.Collator("zh-CN");   // one, made once: localeCompare makes one a call
const files = new Map();   // URL -> promise of its JSON (each index file fetched once)

function json(url) {
  let p = files.get(url);
  if (!p) {
    p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    });
    files.set(url, p);
    p.catch(() => files.delete(url));
  }
  return p;
}

// -- text to keys: as newsgen.search does it in Python
const normalize = (text) => text.normalize("NFKC").toLowerCase();
const RUN = /[\p{L}\p{N}]+/gu;
const runsOf = (text) => normalize(text).match(RUN) || [];

function pairs(run) {
  // every pair of adjacent characters (by code point); a single character is its own key
  const chars = [...run];
  if (chars.length === 1) return chars;
  const out = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

function lookups(runs) {
  // the pairs to fetch for each run (one key file a pair): all of them, and for a long query an even
  // spread of each run's pairs, the first and the last among them, at most MAX_KEYS in all
  // (a run past the 32nd is looked up by none: its pages' text decides, as the key masks have 32 bits)
  const all = runs.map((run) => [...new Set(pairs(run))]);
  const total = all.reduce((n, keys) => n + keys.length, 0);
  const spread = total <= MAX_KEYS ? all : all.map((keys) => {
    const want = Math.max(1, Math.floor((keys.length * MAX_KEYS) / total));
    if (keys.length <= want) return keys;
    const picked = new Set();
    for (let i = 0; i < want; i++) picked.add(keys[Math.round((i * (keys.length - 1)) / Math.max(1, want - 1))]);
    return [...picked];
  });
  const seen = new Set();
  return spread.map((keys) => keys.filter((key) => seen.has(key) || (seen.size < 32 && seen.add(key))));
}

function keyFile(key, count) {
  // FNV-1a over UTF-16 code units, mixed, as newsgen.search.key_file
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;   // MurmurHash3's finalizer: FNV-1a's low bits depend on the key's low bits only
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h % count;
}

function ungap(gaps) {
  const out = new Array(gaps.length);
  let last = 0;
  for (let i = 0; i < gaps.length; i++) out[i] = last += gaps[i];
  return out;
}

// -- the index
async function load() {
  const data = await json(bundleUrl + "shards.json");
  if (data.format !== FORMAT) throw new Error(`search index format ${data.format}, not ${FORMAT}`);
  data.shards.forEach((shard, rank) => { shard.rank = rank; });
  index = data;
}

let filled = false;

function fillFilters() {
  // the filters' options, with their counts: once, after the first results are shown (a few hundred
  // places to sort and lay out, which the first query need not wait for); until then each select
  // stands for the value the address asked for
  if (filled || !index) return;
  filled = true;
  const counts = index.filters || {};
  const indent = (v) => "\u3000".repeat(v.split("/").length - 1) + v.split("/").pop();
  addOptions(selects.region, Object.entries(counts.region || {}).sort(byPlace), indent);
  addOptions(selects.topic, Object.entries(counts.topic || {}).sort(([a], [b]) => collator.compare(a, b)),
    (v) => v);
  addOptions(selects.year, Object.entries(counts.year || {}).sort(([a], [b]) => b.localeCompare(a)), (v) => `${v}年`);
}

async function postings(key) {
  // the ids holding ``key``, by year: each year's by field (title, names, body), packed
  const file = await json(`${bundleUrl}keys/${keyFile(key, index.keys)}.json`);
  return new Map(Object.entries(file[key] || {}));
}

async function filtered(shard, filters) {
  // the ids of one year that pass the region and topic filters (null: no such filter)
  const facets = Object.entries(filters).filter(([name]) => name !== "year");
  if (!facets.length) return null;
  const data = await json(`${bundleUrl}${shard.bundle}filters.json`);
  let ids = null;
  for (const [name, value] of facets) {
    const these = new Set(ungap((data[name] || {})[value] || []));
    ids = ids === null ? these : new Set([...ids].filter((id) => these.has(id)));
  }
  return ids;
}

function fragment(hit) {
  // the article's text with its card: what a result holding the query in its body is checked on and shows
  return json(`${bundleUrl}${hit.shard.bundle}d/${hit.id}.json`);
}

function cardOf(hit) {
  // the article's card (no text but its opening): enough to show it and to check its title and names
  return json(`${bundleUrl}${hit.shard.bundle}c/${hit.id}.json`);
}

function shownData(hit) {
  // what a result shows: its text around the query where its body holds it, else its card
  return hit.tier === BODY ? fragment(hit) : cardOf(hit);
}

// -- searching
function searchYear(shard, runs, keyRuns, keys, everyYear, allowed) {
  // every article of one year holding a pair of the query, with its tier and how much it holds. Each
  // field of each article gets a bit mask of the keys it holds (key i: bit i), so that a run is held
  // by a field when the field's mask covers the run's
  const size = shard.pages;
  const masks = [new Uint32Array(size), new Uint32Array(size), new Uint32Array(size)];
  keys.forEach((key, k) => {
    const fields = everyYear.get(key).get(shard.name);
    if (fields) fields.forEach((packed, f) => unpackInto(packed, masks[f], 1 << k));
  });
  const runMasks = keyRuns.map((ks) => ks.reduce((m, key) => m | (1 << keys.indexOf(key)), 0) >>> 0);
  const total = runMasks.reduce((n, m) => n + popcount(m), 0);
  const [title, names, body] = masks;
  const hits = [];
  for (let id = 0; id < size; id++) {
    const any = title[id] | names[id] | body[id];
    if (!any && total) continue;
    if (allowed && !allowed.has(id)) continue;
    let tier = TITLE, held = 0, inTitle = 0;
    const inBody = [], titled = [];
    for (const m of runMasks) {
      const best = ORDER.find((f) => ((masks[f][id] & m) >>> 0) === m);
      tier = best === undefined ? PARTS : rankOf(tier) >= rankOf(best) ? tier : best;
      held += popcount(any & m);
      inTitle += popcount(title[id] & m);
      // which runs the body may hold (all their pairs are in it): only those need the text to be checked
      inBody.push(((body[id] & m) >>> 0) === m);
      titled.push(((title[id] & m) >>> 0) === m);
    }
    if (tier === PARTS && !partsEnough(held, total, runs.length)) continue;
    hits.push({ shard, id, tier, inBody, titled, score: total ? held / total : 1, inTitle, checked: false });
  }
  return hits;
}

function unpackInto(values, mask, bit) {
  // set ``bit`` in ``mask`` at every id of a packed list (newsgen.search.packed): each a gap from the
  // last (the first from -1), -n for n ids each one after the last
  let last = -1;
  for (const v of values) {
    if (v < 0) for (let n = -v; n > 0; n--) mask[++last] |= bit;
    else mask[last += v] |= bit;
  }
}

function popcount(x) {
  x >>>= 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const RANKS = [TITLE, NAMES, BODY, PARTS].map((tier) => (tier === PARTS ? 3 : ORDER.indexOf(tier)));
const rankOf = (tier) => RANKS[tier];

function partsEnough(held, total, runCount) {
  // a page holding only parts of the query is listed (after the others) when it holds most of them
  return (total >= 3 || runCount >= 2) && held * 2 >= total;
}

function compare(a, b) {
  // by tier (title, body, names, parts); titles holding the query as typed before those holding its
  // words apart, parts by how much they hold; then newest first
  return rankOf(a.tier) - rankOf(b.tier) ||
    (a.tier === TITLE ? (a.apart === true) - (b.apart === true) : 0) ||
    (a.tier === PARTS ? b.score - a.score || b.inTitle - a.inTitle : 0) ||
    newer(a, b);
}

function newer(a, b) {
  return a.shard.rank - b.shard.rank || b.id - a.id;   // shards.json lists the newest year first
}

function byDate(a, b) {
  // newest first, those holding the whole query before those holding parts of it
  return (a.tier === PARTS) - (b.tier === PARTS) || newer(a, b);
}

async function find(term, filters, dateOrder) {
  const shards = index.shards.filter((s) => !filters.year || s.name === filters.year);
  const runs = runsOf(term);
  if (term && !runs.length) return { runs, hits: [] };   // punctuation only: nothing to look for
  const keyRuns = lookups(runs);
  const keys = [...new Set(keyRuns.flat())];
  const everyYear = new Map(await Promise.all(keys.map(async (key) => [key, await postings(key)])));
  const perYear = await Promise.all(shards.map(async (shard) => {
    const allowed = await filtered(shard, filters);
    if (!runs.length) {   // filters only: every article passing them
      const ids = allowed || Array.from({ length: shard.pages }, (_, i) => i);
      return [...ids].map((id) => ({ shard, id, tier: TITLE, score: 1, inTitle: 0, checked: true }));
    }
    return searchYear(shard, runs, keyRuns, keys, everyYear, allowed);
  }));
  const hits = perYear.flat();
  hits.sort(dateOrder || !runs.length ? byDate : compare);
  return { runs, hits };
}

function tierOf(runs, data) {
  // the tier an article's card or text gives it: the lowest-ranked field among those holding each run
  const texts = [normalize(data.t), normalize((data.n || []).join(" ")), normalize(data.x || "")];
  let tier = TITLE;
  for (const run of runs) {
    const f = ORDER.find((field) => texts[field].includes(run));
    if (f === undefined) return PARTS;
    if (rankOf(f) > rankOf(tier)) tier = f;
  }
  return tier;
}

async function settle(found, upto, dateOrder) {
  // make sure every result among the first ``upto`` that ranks as holding the whole query holds it:
  // its text is checked (the pairs of a query may lie apart); one that does not falls to the parts
  const { runs, hits } = found;
  for (let round = 0; round < 50; round++) {
    const unchecked = hits.slice(0, upto).filter((h) => !h.checked && h.tier !== PARTS);
    if (!unchecked.length) return;
    // first on its card: a title holding every run is the first tier, checked; a hit ranked as a
    // title holder whose title lacks a run falls to the body's tier unchecked (looked at again when it
    // ranks among those shown), or, where the body cannot hold that run, to what its card says
    // (a hit whose title cannot hold a run its body may hold is checked on its text straight away)
    const needText = unchecked.filter((h) => runs.some((_, r) => h.inBody[r] && !h.titled[r]));
    const onCard = unchecked.filter((h) => !needText.includes(h));
    const cards = await Promise.all(onCard.map(cardOf));
    let moved = false;
    onCard.forEach((hit, i) => {
      const title = normalize(cards[i].t);
      const lacking = runs.map((run) => !title.includes(run));
      if (!lacking.some(Boolean)) {
        hit.checked = true;
        // a title holding the runs apart (or in another order) after those holding them as typed
        const apart = runs.length > 1 && !runsOf(cards[i].t).join("").includes(runs.join(""));
        if (hit.tier !== TITLE || apart) { hit.tier = TITLE; hit.apart = apart; moved = true; }
      } else if (!runs.some((run, r) => lacking[r] && hit.inBody[r])) {
        hit.checked = true;
        const tier = tierOf(runs, cards[i]);
        if (tier !== hit.tier) { hit.tier = tier; moved = true; }
      } else if (hit.tier === TITLE) {
        hit.tier = BODY;
        moved = true;
      } else {
        needText.push(hit);
      }
    });
    // then on its text, where the body may hold a run the title lacks
    const datas = await Promise.all(needText.map(fragment));
    needText.forEach((hit, i) => {
      hit.checked = true;
      const tier = tierOf(runs, datas[i]);
      if (tier !== hit.tier) { hit.tier = tier; moved = true; }
    });
    if (moved) hits.sort(dateOrder ? byDate : compare);
  }
}

// -- showing
function readAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const [name, select] of Object.entries(selects)) select.dataset.wanted = params.get(name) || "";
  sortSelect.value = params.get("sort") === "date" ? "date" : "";
}

function filterValue(name, select) {
  // a filter's value: the select's, or before its options are there the one the address asked for
  // (when the index has it: a select would not take a value it has no option for)
  if (filled) return select.value;
  const wanted = select.dataset.wanted || "";
  return !index || Object.hasOwn((index.filters || {})[name] || {}, wanted) ? wanted : "";
}

function writeAddress() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const [name, select] of Object.entries(selects)) if (filterValue(name, select)) params.set(name, filterValue(name, select));
  if (sortSelect.value) params.set("sort", sortSelect.value);
  const query = params.toString();
  const address = location.pathname + (query ? "?" + query : "");
  if (address !== location.pathname + location.search) history.replaceState(null, "", address);
}

function addOptions(select, entries, label) {
  for (const [value, count] of entries) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = `${label(value)}（${count}）`;
    select.append(option);
  }
  const wanted = select.dataset.wanted;
  if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
}

function byPlace([a], [b]) {
  // places as a tree: parents before their children, siblings by name
  const pa = a.split("/"), pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return collator.compare(pa[i], pb[i]);
  }
  return pa.length - pb.length;
}

function matchAt(low, i, run) {
  // the end of ``run`` when the text's characters (each normalized: ``low``) from ``i`` spell it, else -1
  let j = i, spelled = "";
  while (spelled.length < run.length && j < low.length) spelled += low[j++];
  return spelled === run ? j : -1;
}

function marked(text, runs) {
  // ``text`` as text nodes, every occurrence of a run of the query in <mark>
  const out = document.createDocumentFragment();
  const chars = [...text];
  const low = chars.map(normalize);
  const wanted = [...runs].sort((a, b) => b.length - a.length);
  let i = 0, plain = 0;
  while (i < chars.length) {
    let end = -1;
    for (const run of wanted) if ((end = matchAt(low, i, run)) >= 0) break;
    if (end > i) {
      if (plain < i) out.append(document.createTextNode(chars.slice(plain, i).join("")));
      const mark = document.createElement("mark");
      mark.textContent = chars.slice(i, end).join("");
      out.append(mark);
      i = plain = end;
    } else {
      i++;
    }
  }
  if (plain < chars.length) out.append(document.createTextNode(chars.slice(plain).join("")));
  return out;
}

function excerpt(body, runs) {
  // about 110 characters of the body around the first place it holds the query (or its start)
  // (a run the text spells as it is, as most text does, is found at once; else character by character,
  // each normalized, as the marks are found)
  const chars = [...body];
  let low = null;
  let at = -1;
  for (const run of [...runs].sort((a, b) => b.length - a.length)) {
    const plain = body.indexOf(run);
    if (plain >= 0) {
      at = [...body.slice(0, plain)].length;
      break;
    }
    low = low || chars.map(normalize);
    for (let i = 0; i < low.length && at < 0; i++) if (low[i].startsWith(run[0]) && matchAt(low, i, run) >= 0) at = i;
    if (at >= 0) break;
  }
  const start = Math.max(0, at - 30);
  const text = chars.slice(start, start + 110).join("");
  return (start > 0 ? "……" : "") + text + (start + 110 < chars.length ? "……" : "");
}

function card(data, runs) {
  const li = document.createElement("li");
  li.className = "post";
  if (data.i) {   // the lead photo's thumbnail, as listings show it (the linked title says what it is)
    const img = document.createElement("img");
    img.className = "thumb";
    img.src = data.i[0];   // with the site's base path, as the pages write it
    img.width = data.i[1];
    img.height = data.i[2];
    img.alt = "";
    img.loading = "lazy";
    img.decoding = "async";
    li.append(img);
  }
  const h2 = document.createElement("h2");
  const a = document.createElement("a");
  a.href = baseUrl + data.u;
  a.append(marked(data.t, runs));
  h2.append(a);
  li.append(h2);
  const meta = document.createElement("p");
  meta.className = "meta";
  const time = document.createElement("span");
  time.textContent = data.d;
  meta.append(time);
  for (const place of data.p || []) {
    const span = document.createElement("span");
    span.className = "place";
    span.textContent = place;
    meta.append(span);
  }
  li.append(meta);
  const text = data.x || data.s;
  if (text) {
    const p = document.createElement("p");
    p.className = "summary";
    p.append(marked(excerpt(text, runs), runs));
    li.append(p);
  }
  return li;
}

async function showMore(mine, found, dateOrder) {
  await settle(found, shown + PAGE_SIZE, dateOrder);
  if (mine !== generation) return;
  const batch = results.slice(shown, shown + PAGE_SIZE);
  const datas = await Promise.all(batch.map(shownData));
  if (mine !== generation) return;
  batch.forEach((hit, i) => {
    const previous = shown + i > 0 ? results[shown + i - 1] : null;
    if (hit.tier === PARTS && found.runs.length && (!previous || previous.tier !== PARTS)) {
      const note = document.createElement("li");
      note.className = "search-parts";
      note.textContent = `以下文章不含完整的“${input.value.trim()}”，只含其中部分字词：`;
      list.append(note);
    }
    list.append(card(datas[i], found.runs));
  });
  shown += batch.length;
  more.hidden = shown >= results.length;
}

function offerPlace(term, filters) {
  // a query naming a place (章贡区, or 江西省/赣州市/章贡区) offers that place's filter
  offer.replaceChildren();
  offer.hidden = true;
  const name = term.replace(/\s+/g, "");
  if (!name || filters.region) return;
  const places = Object.entries((index.filters || {}).region || {})
    .filter(([path]) => path === name || path.split("/").pop() === name);
  for (const [path, count] of places.slice(0, 5)) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `只看地区：${path.split("/").join(" › ")}（${count} 篇）`;
    button.addEventListener("click", () => {
      fillFilters();
      selects.region.value = path;
      input.value = "";
      run();
    });
    offer.append(button);
    offer.hidden = false;
  }
}

let current = null;

async function run() {
  const mine = ++generation;
  writeAddress();
  const term = input.value.trim();
  const filters = {};
  for (const [name, select] of Object.entries(selects)) if (filterValue(name, select)) filters[name] = filterValue(name, select);
  if (!term && !Object.keys(filters).length) {
    list.replaceChildren();
    offer.replaceChildren();
    offer.hidden = more.hidden = true;
    status.textContent = "输入关键词搜索全部文章，可按地区、专题和年份筛选。";
    return;
  }
  if (!index) {
    status.textContent = "正在载入搜索索引……";
    return;
  }
  const dateOrder = sortSelect.value === "date";
  const found = await find(term, filters, dateOrder);
  await settle(found, PAGE_SIZE, dateOrder);
  if (mine !== generation) return;
  current = found;
  results = found.hits;
  lastRuns = found.runs;
  shown = 0;
  list.replaceChildren();
  offerPlace(term, filters);
  const whole = results.filter((h) => h.tier !== PARTS).length;
  const parts = results.length - whole;
  const quoted = `“${term}”`;
  if (!found.runs.length) {
    status.textContent = results.length ? `找到 ${results.length} 篇文章。` : `没有找到${term ? `包含${quoted}的` : ""}文章。`;
  } else if (whole) {
    status.textContent = `找到 ${whole} 篇文章包含${quoted}` + (parts ? `，另有 ${parts} 篇只包含其中部分字词。` : "。");
  } else if (parts) {
    status.textContent = `没有文章包含完整的${quoted}；以下 ${parts} 篇只包含其中部分字词。`;
  } else {
    status.textContent = `没有找到包含${quoted}的文章。`;
  }
  await showMore(mine, found, dateOrder);
}

// The search as this page makes it, for the benchmark (bench/search_quality.py) and the tests: how
// many results ``term`` finds and the URLs and titles of the first ``count``, by relevance or newest first.
window.newsgenSearch = async (term, count = PAGE_SIZE, dateOrder = false) => {
  await ready;
  const found = await find(term, {}, dateOrder);
  await settle(found, Math.min(count, PAGE_SIZE * 3), dateOrder);
  const top = found.hits.slice(0, count);
  const datas = await Promise.all(top.map(cardOf));
  return { total: found.hits.length, whole: found.hits.filter((h) => h.tier !== PARTS).length,
    urls: datas.map((d) => baseUrl + d.u), titles: datas.map((d) => d.t) };
};

let timer = 0;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(run, 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run();
});
for (const select of [...Object.values(selects), sortSelect]) select.addEventListener("change", run);
more.querySelector("button").addEventListener("click", () => showMore(generation, current, sortSelect.value === "date"));

readAddress();
run();
const ready = load();
ready.then(() => run().finally(fillFilters), (error) => {
  status.textContent = "搜索索引载入失败。";
  console.error(error);
});
