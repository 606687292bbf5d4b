// roletag HTML report: builds the postings table from the JSON data, sorts and
// filters it, opens a posting's evidence, and moves the scatter's points when
// other axes are picked. No libraries, no requests. The scatter's geometry,
// piles and rounding must stay the same as in src/report/html/svg.rs.
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('data').textContent);
  const P = data.postings;
  const plot = data.plot;
  const DESC_FIRST = { score: true, confidence: true };
  const state = { sort: '', dir: 1, filter: '', label: '', x: data.x, y: data.y, open: -1 };

  const px = (v) => Math.round(v * 10) / 10;
  const termName = (id) => (data.terms[id] ? data.terms[id][0] : '?');
  const path = (p) => data.files[p.f] + (p.r != null ? '#' + p.r : '');
  const labelName = (p) => (p.l != null ? data.labels[p.l] : p.skip ? 'skipped' : 'error');
  const value = (p, axis) => (axis < 0 ? p.s || 0 : (p.o && p.o[axis]) || 0);
  const signed = (x, d) => (x > 0 ? '+' : x < 0 ? '−' : '') + Math.abs(x).toFixed(d);
  const search = P.map((p) =>
    [path(p), p.id || '', p.t || '', labelName(p), p.err || '', (p.e || []).map((e) => termName(e[0])).join(' ')]
      .join('\n')
      .toLowerCase()
  );

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  // ---- table ----
  const tbody = document.querySelector('#postings-table tbody');
  const heads = Array.from(document.querySelectorAll('#postings-table th[data-key]'));
  const missingLast = (a, b, f) => (a == null ? (b == null ? 0 : 1) : b == null ? -1 : state.dir * f(a, b));
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const sorts = {
    path: (a, b) => state.dir * (cmp(data.files[P[a].f], data.files[P[b].f]) || (P[a].r || 0) - (P[b].r || 0)),
    label: (a, b) => missingLast(P[a].l, P[b].l, (x, y) => x - y) || cmp(labelName(P[a]), labelName(P[b])),
    score: (a, b) => missingLast(P[a].s, P[b].s, (x, y) => x - y),
    confidence: (a, b) => missingLast(P[a].c, P[b].c, (x, y) => x - y),
    id: (a, b) => missingLast(P[a].id, P[b].id, cmp),
    title: (a, b) => missingLast(P[a].t, P[b].t, cmp),
  };

  function matches(i) {
    const p = P[i];
    if (state.label === 'error' && p.l != null) return false;
    if (state.label && state.label !== 'error' && labelName(p) !== state.label) return false;
    return !state.filter || search[i].includes(state.filter.toLowerCase());
  }

  function row(i) {
    const p = P[i];
    const tr = el('tr', 'row');
    tr.dataset.i = i;
    tr.tabIndex = 0;
    el('td', 'path', tr, path(p));
    if (data.records) {
      el('td', 'id', tr, p.id != null ? p.id : '');
      el('td', 'title', tr, p.t != null ? p.t : '');
    }
    el('span', 'pill ' + (p.l != null ? 'l' + p.l : 'err'), el('td', '', tr), labelName(p));
    el('td', 'num', tr, p.s != null ? signed(p.s, 3) : '–');
    el('td', 'num', tr, p.c != null ? p.c.toFixed(2) : '–');
    if (p.err != null) el('td', 'terms err-msg', tr, p.err);
    else el('td', 'terms', tr, (p.e || []).slice(0, 3).map((e) => termName(e[0])).join(', '));
    return tr;
  }

  function render() {
    const order = P.map((_, i) => i);
    if (sorts[state.sort]) order.sort((a, b) => sorts[state.sort](a, b) || a - b);
    const frag = document.createDocumentFragment();
    let shown = 0;
    for (const i of order) {
      if (!matches(i)) continue;
      const tr = frag.appendChild(row(i));
      if (i === state.open) {
        tr.classList.add('open');
        frag.appendChild(detail(i));
      }
      shown++;
    }
    tbody.replaceChildren(frag);
    document.getElementById('shown').textContent = shown + ' of ' + P.length + (P.length === 1 ? ' posting' : ' postings');
    document.body.dataset.rows = shown;
    for (const th of heads) {
      const on = th.dataset.key === state.sort;
      th.setAttribute('aria-sort', on ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    for (const c of points) c.classList.toggle('hidden', !matches(+c.dataset.i));
  }

  // ---- evidence panel ----
  function detail(i) {
    const p = P[i];
    const tr = el('tr', 'detail');
    const td = el('td', '', tr);
    td.colSpan = data.records ? 7 : 5;
    const box = el('div', 'detail-box', td);
    const head = el('p', 'detail-head', box);
    el('b', '', head, path(p));
    if (p.id != null) el('span', 'dim', head, ' id ' + p.id);
    if (p.t != null) el('span', 'dim', head, ' · ' + p.t);
    if (p.exp != null) el('span', 'dim', head, ' · expected ' + p.exp);
    if (p.err != null) {
      el('p', 'err-msg', box, (p.skip ? 'skipped: ' : 'error: ') + p.err);
    } else {
      const s = labelName(p) + ' · score ' + signed(p.s, 3) + ' · confidence ' + p.c.toFixed(2) + ' · ' + (p.n || 0) + ' terms matched';
      el('p', 'pill-line', box, s);
      const cols = el('div', 'detail-cols', box);
      axesTable(p, el('div', '', cols));
      evidenceTable(p, el('div', '', cols));
    }
    for (const w of p.w || []) el('p', 'warn', box, 'warning: ' + w);
    return tr;
  }

  function axesTable(p, parent) {
    el('h4', '', parent, 'Axes');
    const t = el('table', 'axes', parent);
    data.axes.forEach((a, k) => {
      const tr = el('tr', '', t);
      const o = p.o ? p.o[k] : null;
      el('td', 'dim', tr, a.title);
      el('td', 'pole-lo', tr, a.low);
      const bar = el('div', 'axbar', el('td', '', tr));
      if (o != null) {
        const fill = el('span', o < 0 ? 'cio' : 'cto', bar);
        fill.style.left = (o < 0 ? 50 + 50 * o : 50) + '%';
        fill.style.width = 50 * Math.abs(o) + '%';
      }
      el('td', 'pole-hi', tr, a.high);
      el('td', 'num', tr, o == null ? 'none' : signed(o, 2));
    });
  }

  function evidenceTable(p, parent) {
    el('h4', '', parent, 'Evidence (strongest first)');
    const ev = p.e || [];
    if (!ev.length) {
      el('p', 'dim', parent, 'No evidence.');
      return;
    }
    const t = el('table', 'evidence', parent);
    const hr = el('tr', '', el('thead', '', t));
    for (const h of ['term', 'axis · pole', 'hits', 'contribution']) el('th', '', hr, h);
    const body = el('tbody', '', t);
    for (const [id, count, c] of ev) {
      const [name, axis, pole] = data.terms[id] || ['?', 0, 'cio'];
      const a = data.axes[axis] || { title: '?', low: '?', high: '?' };
      const tr = el('tr', '', body);
      el('td', 'term ' + pole, tr, name);
      el('td', 'dim', tr, a.title + ' · ' + (pole === 'cio' ? a.low : a.high));
      el('td', 'num', tr, '×' + count);
      el('td', 'num', tr, signed(c, 3));
    }
    if ((p.n || 0) > ev.length) el('p', 'dim', parent, 'and ' + (p.n - ev.length) + ' more in --format json');
  }

  function toggle(i) {
    state.open = state.open === i ? -1 : i;
    render();
    saveHash();
  }

  tbody.addEventListener('click', (e) => {
    const tr = e.target.closest('tr.row');
    if (tr) toggle(+tr.dataset.i);
  });
  tbody.addEventListener('keydown', (e) => {
    const tr = e.target.closest('tr.row');
    if (tr && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      toggle(+tr.dataset.i);
    }
  });
  for (const th of heads) {
    th.tabIndex = 0;
    const sortBy = () => {
      const key = th.dataset.key;
      state.dir = state.sort === key ? -state.dir : DESC_FIRST[key] ? -1 : 1;
      state.sort = key;
      render();
      saveHash();
    };
    th.addEventListener('click', sortBy);
    th.addEventListener('keydown', (e) => e.key === 'Enter' && sortBy());
  }
  const filterBox = document.getElementById('filter');
  const labelBox = document.getElementById('label-filter');
  let typing = 0;
  filterBox.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.filter = filterBox.value;
      render();
      saveHash();
    }, 150);
  });
  labelBox.addEventListener('change', () => {
    state.label = labelBox.value;
    render();
    saveHash();
  });

  // ---- scatter ----
  const points = Array.from(document.querySelectorAll('#scatter-points circle'));
  const xBox = document.getElementById('x-axis');
  const yBox = document.getElementById('y-axis');
  const axisView = (k) => (k < 0 ? { title: 'score (all axes)', low: 'CIO-like', high: 'CTO-like' } : data.axes[k]);
  const axisIndex = (name) => (name === 'score' ? -1 : data.axes.findIndex((a) => a.name === name));
  const axisName = (k) => (k < 0 ? 'score' : data.axes[k].name);

  // Same as svg.rs `band`: the blended band in orientation units.
  function band(m, xScore, yScore) {
    m = Math.min(Math.max(m, 0), 1);
    if (xScore) return [[-m, -1], [-m, 1], [m, 1], [m, -1]];
    if (yScore) return [[-1, -m], [-1, m], [1, m], [1, -m]];
    const c = 2 * m;
    return [[-1, 1 - c], [-1, 1], [c - 1, 1], [1, c - 1], [1, -1], [1 - c, -1]];
  }

  // Same as svg.rs `Spiral`: the cells of a square spiral from (0, 0).
  function spiral() {
    let x = 0, y = 0, taken = 0, sides = 0, left = 0;
    const steps = [[1, 0], [0, -1], [-1, 0], [0, 1]];
    return function () {
      if (taken > 0) {
        if (left === 0) {
          left = Math.floor(sides / 2) + 1;
          sides += 1;
        }
        const [dx, dy] = steps[(sides - 1) % 4];
        x += dx;
        y += dy;
        left -= 1;
      }
      taken += 1;
      return [x, y];
    };
  }

  // Same as svg.rs `layout`: postings at one place spread in a square spiral
  // around it, in report order; piles of plot.pile_label or more (and 1% of
  // the points) get a count.
  const byIndex = points.slice().sort((a, b) => a.dataset.i - b.dataset.i);
  const pileOf = {}; // posting -> how many postings share its place
  function layout() {
    const key = (c) => Math.round(c[0] * 10) + ',' + Math.round(c[1] * 10);
    const centres = byIndex.map((c) => {
      const p = P[+c.dataset.i];
      return [px(plot.left + ((value(p, state.x) + 1) / 2) * plot.size),
        px(plot.top + ((1 - value(p, state.y)) / 2) * plot.size)];
    });
    const count = new Map();
    const piles = [];
    const labelled = Math.max(plot.pile_label, Math.ceil(centres.length / 100));
    for (const c of centres) {
      const n = (count.get(key(c)) || 0) + 1;
      count.set(key(c), n);
      if (n === labelled) piles.push(c);
    }
    let largest = 1;
    for (const n of count.values()) largest = Math.max(largest, n);
    const spacing = Math.min(plot.spacing, plot.pile / Math.ceil(Math.sqrt(largest)));
    const walks = new Map();
    byIndex.forEach((c, k) => {
      const [cx, cy] = centres[k];
      if (!walks.has(key(centres[k]))) walks.set(key(centres[k]), spiral());
      const [gx, gy] = walks.get(key(centres[k]))();
      c.setAttribute('cx', px(cx + gx * spacing));
      c.setAttribute('cy', px(cy + gy * spacing));
      pileOf[+c.dataset.i] = count.get(key(centres[k]));
    });
    const group = document.getElementById('scatter-piles');
    group.replaceChildren();
    for (const c of piles) {
      const t = document.createElementNS(group.namespaceURI, 'text');
      t.setAttribute('x', c[0]);
      t.setAttribute('y', px(c[1] + 4));
      t.setAttribute('text-anchor', 'middle');
      t.setAttribute('class', 'pile');
      t.textContent = String(count.get(key(c)));
      group.appendChild(t);
    }
  }

  function redraw() {
    layout();
    const xv = axisView(state.x);
    const yv = axisView(state.y);
    const texts = { 'sx-low': '← ' + xv.low, 'sx-high': xv.high + ' →', 'sx-title': xv.title,
      'sy-low': '← ' + yv.low, 'sy-high': yv.high + ' →', 'sy-title': yv.title };
    for (const id in texts) document.getElementById(id).textContent = texts[id];
    const corners = band(data.margin, state.x < 0, state.y < 0).map(([bx, by]) =>
      px(plot.left + ((bx + 1) / 2) * plot.size) + ',' + px(plot.top + ((1 - by) / 2) * plot.size));
    document.getElementById('scatter-band').setAttribute('points', corners.join(' '));
    xBox.value = axisName(state.x);
    yBox.value = axisName(state.y);
  }

  xBox.addEventListener('change', () => {
    state.x = axisIndex(xBox.value);
    redraw();
    saveHash();
  });
  yBox.addEventListener('change', () => {
    state.y = axisIndex(yBox.value);
    redraw();
    saveHash();
  });

  const tip = el('div', 'tip', document.body);
  tip.hidden = true;
  const svgBox = document.getElementById('scatter-plot');
  svgBox.addEventListener('mouseover', (e) => {
    if (e.target.tagName !== 'circle') return;
    const p = P[+e.target.dataset.i];
    const here = pileOf[+e.target.dataset.i] || 1;
    tip.textContent = path(p) + ' · ' + labelName(p) + ' ' + signed(p.s, 3) +
      (here > 1 ? ' · ' + here + ' postings at this place' : '');
    const r = e.target.getBoundingClientRect();
    tip.style.left = window.scrollX + r.right + 6 + 'px';
    tip.style.top = window.scrollY + r.top - 6 + 'px';
    tip.hidden = false;
  });
  svgBox.addEventListener('mouseout', () => (tip.hidden = true));
  svgBox.addEventListener('click', (e) => {
    if (e.target.tagName !== 'circle') return;
    const i = +e.target.dataset.i;
    state.open = i;
    render();
    saveHash();
    const tr = tbody.querySelector('tr.row.open');
    if (tr) tr.scrollIntoView({ block: 'center' });
  });

  // ---- address: #sort=score&dir=desc&filter=erp&label=cto-like&x=domain&y=horizon&open=3 ----
  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    if (sorts[h.get('sort')]) {
      state.sort = h.get('sort');
      const dir = h.get('dir');
      state.dir = dir === 'asc' ? 1 : dir === 'desc' ? -1 : DESC_FIRST[state.sort] ? -1 : 1;
    }
    state.filter = h.get('filter') || '';
    state.label = h.get('label') || '';
    const open = h.get('open');
    state.open = open != null && P[+open] ? +open : -1;
    for (const [key, box] of [['x', xBox], ['y', yBox]]) {
      const k = h.has(key) ? axisIndex(h.get(key)) : -2;
      if (k >= -1) state[key] = k;
      box.value = axisName(state[key]);
    }
    filterBox.value = state.filter;
    labelBox.value = state.label;
    return h.has('x') || h.has('y');
  }

  function saveHash() {
    const h = new URLSearchParams();
    if (state.sort) {
      h.set('sort', state.sort);
      h.set('dir', state.dir > 0 ? 'asc' : 'desc');
    }
    if (state.filter) h.set('filter', state.filter);
    if (state.label) h.set('label', state.label);
    if (state.x !== data.x || state.y !== data.y) {
      h.set('x', axisName(state.x));
      h.set('y', axisName(state.y));
    }
    if (state.open >= 0) h.set('open', state.open);
    try {
      history.replaceState(null, '', '#' + h.toString());
    } catch (e) {
      // Some browsers refuse history changes on file:// pages; the view still works.
    }
  }

  if (readHash()) redraw();
  else layout(); // the server's places again, and the pile sizes for the tooltips
  render();
  document.body.dataset.ready = '1';
})();
