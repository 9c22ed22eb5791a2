// newsgen search page: a small, accessible front end to the Pagefind index in /pagefind/.
// Reads ?q=…&region=…&topic=…&year=…&sort=date, keeps the address in step with the form,
// and lists results as the theme lists articles. Excerpts are rebuilt as text and <mark> only.
const PAGE_SIZE = 10;

const root = document.getElementById("search");
const form = root.querySelector("form");
const input = form.elements.q;
const selects = { region: form.elements.region, topic: form.elements.topic, year: form.elements.year };
const sortSelect = form.elements.sort;
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");

// Ranking (Pagefind's BM25, see its docs on ranking): the article templates weigh the title far
// above the body (data-pagefind-weight), and termFrequency 0 ranks by that weighted count of the
// word rather than by its density, so a title holding the word outranks any page that only
// mentions it in the body, however short that page; pageLength 0 lets no page win by its length,
// and termSaturation 2 (its most) raises the cap on that count, so titles stay above the cap's ties.
const RANKING = { termFrequency: 0, pageLength: 0, termSaturation: 2 };

let pagefind = null;
let years = [];       // the index's bundles, one a year, newest first (pagefind/shards.json)
let results = [];
let shown = 0;
let generation = 0;

function readAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const [name, select] of Object.entries(selects)) select.dataset.wanted = params.get(name) || "";
  sortSelect.value = params.get("sort") === "date" ? "date" : "";
}

function writeAddress() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const [name, select] of Object.entries(selects)) if (select.value) params.set(name, select.value);
  if (sortSelect.value) params.set("sort", sortSelect.value);
  const query = params.toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
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
    if (pa[i] !== pb[i]) return pa[i].localeCompare(pb[i], "zh-CN");
  }
  return pa.length - pb.length;
}

async function load() {
  // one Pagefind bundle a year (see newsgen.search): the newest is loaded, the others merged into it
  const listing = await fetch(root.dataset.bundle + "shards.json", { cache: "no-cache" });
  if (!listing.ok) throw new Error(`no search index (${listing.status})`);
  const shards = (await listing.json()).shards;
  if (!shards.length) {   // a site without articles: every search finds nothing
    pagefind = { search: async () => ({ results: [] }), filters: async () => ({}) };
    return;
  }
  const options = { baseUrl: root.dataset.base, ranking: RANKING };
  const engine = await import(root.dataset.bundle + shards[0].bundle + "pagefind.js");
  // Pagefind takes the page's language when it starts (the first call) and, for Chinese, cuts the
  // query with the browser's word segmenter, whose dictionary is not the one that cut the index
  // (jieba, in Pagefind's extended build): 为民服务 became 为 / 民 / 服务 and missed the titles
  // indexed under 为民服务. Started under an undetermined language it searches the query as given
  // (and finds the index's only language, Chinese); variants() below cuts the query.
  const lang = document.documentElement.lang;
  document.documentElement.lang = "und";
  try {
    await engine.options(options);
    await engine.init();
  } finally {
    document.documentElement.lang = lang;
  }
  for (const shard of shards.slice(1)) await engine.mergeIndex(root.dataset.bundle + shard.bundle, options);
  years = shards.map((shard) => shard.name);
  pagefind = engine;
  const filters = await pagefind.filters();
  const indent = (v) => "\u3000".repeat(v.split("/").length - 1) + v.split("/").pop();
  addOptions(selects.region, Object.entries(filters.region || {}).sort(byPlace), indent);
  addOptions(selects.topic, Object.entries(filters.topic || {}).sort(([a], [b]) => a.localeCompare(b, "zh-CN")),
    (v) => v);
  addOptions(selects.year, Object.entries(filters.year || {}).sort(([a], [b]) => b.localeCompare(a)), (v) => `${v}年`);
}

function excerptNodes(html) {
  // Pagefind's excerpt is HTML with <mark>: keep its text and its marks, nothing else.
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createDocumentFragment();
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function card(data) {
  const li = document.createElement("li");
  li.className = "post";
  const h2 = document.createElement("h2");
  const a = document.createElement("a");
  a.href = data.url;
  a.textContent = (data.meta && data.meta.title) || data.url;
  h2.append(a);
  li.append(h2);
  const meta = document.createElement("p");
  meta.className = "meta";
  if (data.meta && data.meta.date) {
    const time = document.createElement("span");
    time.textContent = data.meta.date;
    meta.append(time);
  }
  const places = (data.filters && data.filters.region) || [];
  const deepest = places.filter((p) => !places.some((q) => q !== p && q.startsWith(p + "/")));
  for (const place of deepest) {
    const span = document.createElement("span");
    span.className = "place";
    span.textContent = place.split("/").pop();
    meta.append(span);
  }
  li.append(meta);
  if (data.excerpt) {
    const p = document.createElement("p");
    p.className = "summary";
    p.append(excerptNodes(data.excerpt));
    li.append(p);
  }
  return li;
}

async function showMore(mine) {
  const batch = results.slice(shown, shown + PAGE_SIZE);
  const datas = await Promise.all(batch.map((r) => r.data()));
  if (mine !== generation) return;
  for (const data of datas) list.append(card(data));
  shown += batch.length;
  more.hidden = shown >= results.length;
}

const HAN_RUN = /^\p{Script=Han}+$/u;
const LONGEST_WORD = 4;   // 为民服务, 政务公开, 颗粒归仓: jieba's longest common words
const cutter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("zh", { granularity: "word" }) : null;

function variants(term) {
  // The query as typed, a run of Chinese up to four characters kept whole (Pagefind matches it as
  // the start of an indexed word, so a title indexed under 为民服务 is found by its weight), and
  // the query cut into words by the browser, which also finds the pages where jieba cut the run
  // otherwise (惠企 / 纾困). A longer run, a phrase typed without spaces, is cut in both.
  const cut = (part) => (HAN_RUN.test(part) && cutter ? [...cutter.segment(part)].map((s) => s.segment).join(" ") : part);
  const parts = term.split(/\s+/).filter(Boolean);
  const whole = parts.map((part) => (part.length > LONGEST_WORD ? cut(part) : part)).join(" ");
  const pieces = parts.map(cut).join(" ");
  return whole === pieces ? [whole] : [whole, pieces];
}

function union(lists, byDate) {
  // Every variant's results once. By relevance the whole word's come first, in their order, then
  // the pages only the browser's cut finds: adding up the two scores let pages whose titles hold a
  // piece of the word (服务) climb among the titles that hold it all (为民服务). By date the score
  // is the page's rank in its year's date order, the same in every variant.
  const all = lists.flat();
  if (byDate) all.sort((a, b) => b.score - a.score);
  const seen = new Set();
  return all.filter((result) => !seen.has(result.id) && seen.add(result.id));
}

async function find(term, filters, byDate) {
  // Every year's bundle at once, ranked by relevance together. A date sort ranks the pages of one
  // bundle only, so newest first is year by year, newest year first, each year in its own order.
  const terms = term ? variants(term) : [null];
  const search = async (options) =>
    union(await Promise.all(terms.map(async (t) => (await pagefind.search(t, options)).results)), Boolean(options.sort));
  if (!byDate) return search({ filters });
  const wanted = filters.year ? [filters.year] : years;
  return (await Promise.all(wanted.map((year) => search({ filters: { ...filters, year }, sort: { date: "desc" } })))).flat();
}

// The search as this page makes it, for the recall benchmark (bench/search_recall.py) and the
// tests: how many results ``term`` finds, and the URLs and titles of the first ``count`` of them,
// by relevance or newest first.
window.newsgenSearch = async (term, count = PAGE_SIZE, byDate = false) => {
  await ready;
  const found = await find(term, {}, byDate);
  const datas = await Promise.all(found.slice(0, count).map((r) => r.data()));
  return { total: found.length, urls: datas.map((d) => d.url), titles: datas.map((d) => d.meta.title) };
};

async function run() {
  const mine = ++generation;
  writeAddress();
  const term = input.value.trim();
  const filters = {};
  for (const [name, select] of Object.entries(selects)) if (select.value) filters[name] = select.value;
  if (!term && !Object.keys(filters).length) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "输入关键词搜索全部文章，可按地区、专题和年份筛选。";
    return;
  }
  if (!pagefind) {
    status.textContent = "正在载入搜索索引……";
    return;
  }
  const found = await find(term, filters, sortSelect.value === "date" || !term);
  if (mine !== generation) return;
  results = found;
  shown = 0;
  list.replaceChildren();
  status.textContent = results.length
    ? `找到 ${results.length} 篇文章${term ? `包含“${term}”` : ""}。`
    : `没有找到${term ? `包含“${term}”的` : ""}文章。`;
  await showMore(mine);
}

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
more.querySelector("button").addEventListener("click", () => showMore(generation));

readAddress();
run();
const ready = load();
ready.then(run, (error) => {
  status.textContent = "搜索索引载入失败。";
  console.error(error);
});
