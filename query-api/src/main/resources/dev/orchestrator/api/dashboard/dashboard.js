// The dashboard: polls the read API, follows /v1/events, and renders with textContent only,
// because ids and reasons come from producers and must never be interpreted as HTML.
(function () {
  'use strict';
  const HISTORY = 600;          // chart points kept per pool (over 10 minutes at one point per 2 s)
  const WINDOW_SECONDS = 600;   // the chart shows the last 10 minutes
  const FEED_LIMIT = 200;       // feed lines kept on screen
  let token = sessionStorage.getItem('orchestrator-token') || '';
  let events = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== undefined && v !== null) node.setAttribute(k, v); });
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c))));
    return node;
  }

  async function api(path) {
    const response = await fetch(path, { headers: token ? { Authorization: 'Bearer ' + token } : {} });
    if (response.status === 401) {
      document.getElementById('token-form').hidden = false;
      throw new Error('a token is needed');
    }
    if (!response.ok) {
      throw new Error(path + ' answered ' + response.status);
    }
    return response.json();
  }

  function fill(tableId, rows) {
    const body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren(...rows);
  }

  function percent(x) { return (100 * x).toFixed(1) + '%'; }

  // --- utilization: one series per pool, a point every refresh
  const times = [];
  const series = new Map();   // pool name -> array of utilization values
  let chart = null;
  function chartData() { return [times, ...[...series.values()]]; }
  function rebuildChart() {
    const target = document.getElementById('utilization-chart');
    target.replaceChildren();
    const palette = ['#3a6ee8', '#1f7a3f', '#b3261e', '#9a6700', '#7b3fb3', '#0b7f86', '#c2185b', '#5d4037'];
    const opts = {
      width: Math.max(320, target.clientWidth || 900), height: 220,
      // the x axis spans the recent window, whatever the number of points (one point made it span years)
      scales: { x: { time: true, range: (u, min, max) => [Math.min(min, max - WINDOW_SECONDS), max] }, y: { range: [0, 1] } },
      axes: [{}, { values: (u, ticks) => ticks.map(t => Math.round(t * 100) + '%') }],
      series: [{}, ...[...series.keys()].map((name, i) => ({ label: name, stroke: palette[i % palette.length], width: 2,
        value: (u, v) => v === null || v === undefined ? '–' : percent(v) }))]
    };
    chart = new uPlot(opts, chartData(), target);
  }

  // the recent past from the server, so the chart opens with history instead of one point
  async function loadHistory() {
    const answer = await api('/v1/pools/history');
    answer.times.forEach((at, i) => {
      times.push(at / 1000);
      Object.entries(answer.pools).forEach(([name, values]) => {
        if (!series.has(name)) {
          series.set(name, new Array(i).fill(null));
        }
        series.get(name).push(values[i]);
      });
    });
    while (times.length > HISTORY) {
      times.shift();
      series.forEach(values => values.shift());
    }
  }

  // free capacity no demand can use, per dimension: only those above zero, largest first
  function stranded(byDimension) {
    const shown = Object.entries(byDimension || {}).filter(([, share]) => share > 0).sort((a, b) => b[1] - a[1]);
    return shown.length === 0 ? 'none' : shown.map(([dimension, share]) => dimension + ' ' + percent(share)).join(', ');
  }

  async function refreshPools() {
    const answer = await api('/v1/pools');
    const now = Date.now() / 1000;
    let added = false;
    times.push(now);
    answer.pools.forEach(p => {
      const name = p.kind + ' ' + p.region;
      if (!series.has(name)) {
        series.set(name, new Array(times.length - 1).fill(null));
        added = true;
      }
    });
    const byName = new Map(answer.pools.map(p => [p.kind + ' ' + p.region, p]));
    series.forEach((values, name) => values.push(byName.has(name) ? byName.get(name).utilization : null));
    if (times.length > HISTORY) {
      times.shift();
      series.forEach(values => values.shift());
    }
    if (added || chart === null) {
      rebuildChart();
    } else {
      chart.setData(chartData());
    }
    fill('pools', answer.pools.map(p => el('tr', {},
      el('td', {}, p.kind + ' ' + p.region), el('td', {}, p.units), el('td', {}, p.allocatable),
      el('td', {}, el('div', { class: 'bar', title: percent(p.utilization) },
        el('span', { style: 'width:' + (100 * p.utilization).toFixed(1) + '%' })), ' ', percent(p.utilization)),
      el('td', { class: 'stranded' }, stranded(p.stranded)))));
  }

  // the background optimizer's estimate of what packing lost: demand turned away that the room added up would hold
  async function refreshOptimizer() {
    const o = (await api('/v1/queues')).optimizer;
    const line = document.getElementById('optimizer');
    if (!o || !o.running) {
      line.textContent = 'Optimizer: off (engine.optimizer.enabled) or no round yet';
    } else if (o.turnedAway === 0) {
      line.textContent = 'Optimizer: estimated gap 0.0% (nothing turned away for lack of room; '
        + o.allocations + ' allocations)';
    } else {
      line.textContent = 'Optimizer: estimated gap ' + percent(o.estimatedGap) + ' (' + o.turnedAway
        + ' turned away lately, ' + o.roomInPieces + ' of them with room in pieces; ' + o.allocations
        + ' allocations; ' + o.movesAsked + ' moves asked in the last rounds)';
    }
  }

  // --- money: the escrow ledger's totals and their recent past (the panel stays hidden when payments are off)
  let moneyChart = null;
  async function refreshMoney() {
    const response = await fetch('/v1/payments/summary', { headers: token ? { Authorization: 'Bearer ' + token } : {} });
    if (response.status === 404) {
      return;
    }
    if (!response.ok) {
      throw new Error('/v1/payments/summary: ' + response.status);
    }
    const summary = await response.json();
    const t = summary.totals;
    document.getElementById('money-panel').hidden = false;
    document.getElementById('money-currency').textContent = '(' + t.currency + ', ' + t.movements + ' movements)';
    [['escrow', t.escrowHeld], ['released', t.released], ['slashed', t.slashed], ['refunded', t.refunded],
      ['fees', t.fees], ['deposited', t.deposited], ['drifts', t.drifts]].forEach(([id, value]) => {
      document.getElementById('money-' + id).textContent = value;
    });
    const h = summary.history;
    const data = [h.times.map(x => x / 1000), h.escrowHeld, h.released, h.slashed, h.refunded];
    if (moneyChart === null) {
      const target = document.getElementById('money-chart');
      moneyChart = new uPlot({
        width: Math.max(320, target.clientWidth || 900), height: 180,
        scales: { x: { time: true } },
        series: [{}, { label: 'escrow held', stroke: '#3a6ee8', width: 2 }, { label: 'released', stroke: '#1f7a3f', width: 2 },
          { label: 'slashed', stroke: '#b3261e', width: 2 }, { label: 'refunded', stroke: '#9a6700', width: 2 }]
      }, data, target);
    } else {
      moneyChart.setData(data);
    }
  }

  async function refreshUnits() {
    const page = await api('/v1/units?limit=50');
    fill('units', page.items.map(u => el('tr', {},
      el('td', {}, u.unitId), el('td', {}, u.providerId), el('td', {}, u.region),
      el('td', { class: u.state }, u.state), el('td', {}, freeText(u)), el('td', {}, u.allocations))));
  }

  function freeText(u) {
    if (u.kind === 'COMPUTE') {
      return (u.free.cpuMillis / 1000).toFixed(1) + ' / ' + (u.capacity.cpuMillis / 1000).toFixed(1) + ' vCPU';
    }
    return (u.free.storageBytes / 1e9).toFixed(0) + ' / ' + (u.capacity.storageBytes / 1e9).toFixed(0) + ' GB';
  }

  // --- stacks: one table per stack, its resources in dependency order with their state and what they offer
  async function refreshStacks() {
    const stacks = await api('/v1/stacks');
    const target = document.getElementById('stacks');
    if (!stacks.length) {
      return;
    }
    target.replaceChildren(...stacks.sort((a, b) => a.id.localeCompare(b.id)).map(stack => el('div', { class: 'stack', 'data-stack': stack.id },
      el('h3', {}, stack.id + ' ', el('span', { class: 'stack-status ' + stack.status }, stack.status),
        el('small', {}, ' for ' + stack.consumerId + (stack.reason ? ' — ' + stack.reason : ''))),
      el('table', {},
        el('thead', {}, el('tr', {}, el('th', {}, 'Resource'), el('th', {}, 'Type'), el('th', {}, 'Waits for'),
          el('th', {}, 'State'), el('th', {}, 'Offers'))),
        el('tbody', {}, ordered(stack.resources).map(([name, r]) => el('tr', { 'data-resource': name },
          el('td', {}, name), el('td', {}, r.type.replace('orchestrator::', '')), el('td', {}, (r.dependsOn || []).join(', ')),
          el('td', { class: 'stack-status ' + r.status }, r.status + (r.reason ? ' (' + r.reason + ')' : '')),
          el('td', {}, offers(r.attributes || {})))))))));
  }

  // dependencies before dependents: the graph's layers, names sorted within each
  function ordered(resources) {
    const out = [];
    const done = new Set();
    let left = Object.entries(resources);
    while (left.length) {
      const layer = left.filter(([, r]) => (r.dependsOn || []).every(d => done.has(d) || !(d in resources)));
      const next = layer.length ? layer : left;
      next.sort((a, b) => a[0].localeCompare(b[0])).forEach(([name, r]) => { out.push([name, r]); done.add(name); });
      left = left.filter(([name]) => !done.has(name));
    }
    return out;
  }

  function offers(attributes) {
    if (attributes.url) { return attributes.url; }
    if (attributes.endpoints) {
      // a pool: ready of wanted, and placed (holding capacity); a deployment: its routes, the ready replicas' endpoints
      const counts = attributes.wanted_replicas !== undefined
        ? attributes.ready_replicas + ' of ' + attributes.wanted_replicas + ' ready, ' + attributes.placed_replicas + ' placed'
        : attributes.ready_replicas + ' ready';
      return counts + (attributes.endpoints.length ? ': ' + attributes.endpoints.join(', ') : '');
    }
    if (attributes.unit_id) { return attributes.unit_id + (attributes.endpoint ? ' ' + attributes.endpoint : ''); }
    return '';
  }

  async function refreshProviders() {
    const answer = await api('/v1/providers');
    fill('providers', answer.providers.map(p => el('tr', {},
      el('td', {}, p.providerId), el('td', {}, p.units), el('td', {}, p.allocatable),
      el('td', {}, p.meanLatencyMillis.toFixed(1)), el('td', { class: p.meanAvailability < 0.99 ? 'UNHEALTHY' : '' },
        percent(p.meanAvailability)))));
  }

  async function refreshReady() {
    const badge = document.getElementById('ready');
    try {
      const response = await fetch('/health/ready');
      const body = await response.json();
      badge.textContent = 'engine: ' + body.streams;
      badge.className = 'badge ' + (response.ok ? 'ok' : 'bad');
    } catch (e) {
      badge.textContent = 'engine: unreachable';
      badge.className = 'badge bad';
    }
  }

  // --- live feed
  function follow() {
    if (events) {
      events.close();
    }
    const feedState = document.getElementById('feed-state');
    events = new EventSource('/v1/events?type=decision' + (token ? '&access_token=' + encodeURIComponent(token) : ''));
    events.onopen = () => { feedState.textContent = 'feed: live'; feedState.className = 'badge ok'; };
    events.onerror = () => { feedState.textContent = 'feed: reconnecting'; feedState.className = 'badge bad'; };
    events.addEventListener('decision', message => addDecision(JSON.parse(message.data)));
    events.addEventListener('gap', () => addLine(el('li', { class: 'hint' }, '… some events were missed while reconnecting')));
  }

  // While the pointer is over the feed, new lines wait above it: prepending them would move the line about to be
  // clicked. They are shown when the pointer leaves (at most FEED_LIMIT are kept either way).
  const heldLines = [];
  let pointerOnFeed = false;

  function watchPointerOnFeed() {
    const feed = document.getElementById('feed');
    feed.addEventListener('mouseenter', () => { pointerOnFeed = true; });
    feed.addEventListener('mouseleave', () => {
      pointerOnFeed = false;
      heldLines.splice(0).forEach(showLine);
      document.getElementById('feed-held').textContent = '';
    });
  }

  function showLine(line) {
    const feed = document.getElementById('feed');
    feed.prepend(line);
    while (feed.children.length > FEED_LIMIT) {
      feed.lastElementChild.remove();
    }
  }

  function addDecision(d) {
    const time = new Date(d.at).toLocaleTimeString();
    const placeOf = [d.providerId, d.region].filter(Boolean).join(', ');
    const where = d.unitId ? ' → ' + d.unitId + (placeOf ? ' (' + placeOf + ')' : '') : ' ' + d.reason;
    const line = el('li', { 'data-demand': d.demandId },
      time + ' ', el('span', { class: 'status ' + d.status }, d.status), ' ', d.demandId, ' [' + d.consumerId + ']', where);
    line.addEventListener('click', () => explain(d.demandId, line));
    addLine(line);
  }

  function addLine(line) {
    if (!pointerOnFeed) {
      showLine(line);
      return;
    }
    heldLines.push(line);
    if (heldLines.length > FEED_LIMIT) {
      heldLines.shift();
    }
    document.getElementById('feed-held').textContent = heldLines.length + ' new, shown when the pointer leaves the list';
  }

  async function explain(demandId, line) {
    document.querySelectorAll('#feed li.selected').forEach(n => n.classList.remove('selected'));
    line.classList.add('selected');
    const target = document.getElementById('explanation');
    target.replaceChildren(el('p', { class: 'hint' }, 'loading ' + demandId + '…'));
    try {
      const x = await api('/v1/demands/' + encodeURIComponent(demandId) + '/explain');
      const weights = [...new Set(x.candidates.flatMap(c => Object.keys(c.contributions || {})))].sort();
      target.replaceChildren(
        el('p', { id: 'explained-demand' }, el('strong', {}, x.demandId), ' ', el('span', { class: 'status ' + x.status }, x.status),
          ' after ' + x.attempts + ' attempt(s)' + (x.stale ? ' (stale copy)' : '')),
        x.refusedBy.length ? el('p', {}, 'Refused by: ' + x.refusedBy.join(', ')) : '',
        el('table', { id: 'candidates' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Unit'), el('th', {}, 'Score'), ...weights.map(w => el('th', {}, w)), el('th', {}, 'Filtered by'))),
          el('tbody', {}, x.candidates.map(c => el('tr', { class: c.filteredBy ? 'filtered' : '' },
            el('td', {}, c.unitId), el('td', {}, c.filteredBy ? '–' : c.total.toFixed(3)),
            ...weights.map(w => el('td', {}, c.contributions && w in c.contributions ? c.contributions[w].toFixed(3) : '')),
            el('td', {}, c.filteredBy || ''))))));
    } catch (e) {
      target.replaceChildren(el('p', { class: 'REJECTED' }, String(e.message)));
    }
  }

  function every(ms, task) {
    const run = () => task().catch(e => console.warn(e.message));
    run();
    setInterval(run, ms);
  }

  document.getElementById('token-form').addEventListener('submit', e => {
    e.preventDefault();
    token = document.getElementById('token').value.trim();
    sessionStorage.setItem('orchestrator-token', token);
    document.getElementById('token-form').hidden = true;
    follow();
  });

  every(2000, refreshReady);
  loadHistory().catch(e => console.warn(e.message)).finally(() => every(2000, refreshPools));
  every(5000, refreshUnits);
  every(5000, refreshMoney);
  every(5000, refreshOptimizer);
  every(5000, refreshProviders);
  every(3000, refreshStacks);
  watchPointerOnFeed();
  follow();
})();
