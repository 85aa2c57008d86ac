// harmledger overview: one set of filters drives the map, the timeline and the list together.
// Data come from /api/map; every text from the ledger is put in the page with textContent, never as HTML.
"use strict";

(function () {
  const cfg = JSON.parse(document.getElementById("config").textContent);
  const form = document.getElementById("filters");
  const listBody = document.querySelector("#list tbody");
  const count = document.getElementById("count");
  const timeline = document.getElementById("timeline");
  const SVG = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------- the map
  const map = L.map("map", { zoomSnap: 0.25, minZoom: 3, maxZoom: 16 }).setView([35.0, 38.6], 6.75);
  map.attributionControl.setPrefix("Leaflet");
  map.createPane("basemap").style.zIndex = 200;
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { attribution: cfg.tilesAttribution || "", maxZoom: 18 }).addTo(map);
  }
  const basemaps = [
    ["/basemap/world_admin0_ne110m.geojson", { color: "#aaa", weight: 1, fillColor: "#f3f0e8", fillOpacity: cfg.tiles ? 0 : 1 }],
    ["/basemap/syria_admin1.geojson", { color: "#888", weight: 1, fillColor: "#fbfaf6", fillOpacity: cfg.tiles ? 0 : 1 }],
  ];
  for (const [url, style] of basemaps) {
    fetch(url).then((r) => r.json()).then((g) => {
      L.geoJSON(g, { pane: "basemap", style: style, interactive: false }).addTo(map);
    });
  }
  // ---------------------------------------------------------------- a control layer under the incidents
  map.createPane("control").style.zIndex = 300;
  const picker = document.getElementById("control-layer");
  let controlLayer = null;
  let controlLegend = null;
  function drawControl() {
    if (controlLayer) { map.removeLayer(controlLayer); controlLayer = null; }
    if (controlLegend) { map.removeControl(controlLegend); controlLegend = null; }
    const id = picker ? picker.value : "";
    if (!id) return;
    Promise.all([fetch("/api/control").then((r) => r.json()),
                 fetch("/api/control/" + encodeURIComponent(id)).then((r) => r.json())]).then(([all, g]) => {
      if (picker.value !== id) return;
      const meta = all.find((x) => x.id === id) || {};
      controlLayer = L.geoJSON(g, {
        pane: "control", interactive: false,
        style: (f) => ({ color: "#777", weight: 0.5, fillColor: f.properties.colour, fillOpacity: 0.55 }),
      }).addTo(map);
      controlLegend = L.control({ position: "bottomright" });
      controlLegend.onAdd = () => {
        const div = L.DomUtil.create("div", "control-legend");
        const h = document.createElement("b");
        h.textContent = (meta.name || "control") + (meta.date ? " · " + meta.date : "");
        div.appendChild(h);
        if (meta.schematic) {
          const s = document.createElement("div");
          s.className = "schematic";
          s.textContent = "SCHEMATIC: not front lines";
          div.appendChild(s);
        }
        for (const p of meta.parties || []) {
          const row = document.createElement("div");
          const sw = document.createElement("i");
          sw.className = "dot";
          sw.style.background = p.colour;
          row.appendChild(sw);
          row.appendChild(document.createTextNode(p.party + (p.actor ? " (" + p.actor + ")" : "")));
          div.appendChild(row);
        }
        const src = document.createElement("div");
        src.className = "meta";
        src.textContent = "source: " + (meta.source || "not stated") + "; licence: " + (meta.licence || "not stated");
        div.appendChild(src);
        return div;
      };
      controlLegend.addTo(map);
      document.body.dataset.control = id;
    });
  }
  if (picker) picker.addEventListener("change", drawControl);

  const cluster = L.markerClusterGroup({ maxClusterRadius: 28, disableClusteringAtZoom: 11, showCoverageOnHover: false });
  map.addLayer(cluster);

  function colour(perps) {
    const first = (perps || "").split(",")[0];
    return cfg.colours[first] || cfg.colours[""] || "#999";
  }

  function range(a, b) {
    if (a === null || a === undefined) return "—";
    return a === b || b === null || b === undefined ? String(a) : a + "–" + b;
  }

  function popup(r) {
    const div = document.createElement("div");
    const a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(r.id);
    a.textContent = (r.date_start || "?") + " · " + (r.place_name || "place unknown");
    div.appendChild(a);
    const p = document.createElement("div");
    p.textContent = "killed " + range(r.killed_min, r.killed_max) + " · " + (r.perpetrators || "unattributed") +
      " · " + r.grade + (r.contested_by ? " · contested by " + r.contested_by : "");
    div.appendChild(p);
    return div;
  }

  // ---------------------------------------------------------------- the timeline (incidents per month)
  function drawTimeline(items) {
    const months = new Map();
    for (const r of items) {
      if (!r.date_start) continue;
      const m = r.date_start.slice(0, 7);
      const v = months.get(m) || { n: 0, killed: 0 };
      v.n += 1;
      v.killed += r.killed_min || 0;
      months.set(m, v);
    }
    timeline.textContent = "";
    const keys = Array.from(months.keys()).sort();
    if (!keys.length) {
      timeline.textContent = "no dated incidents";
      return;
    }
    // every month between the first and the last, empty ones included
    const all = [];
    let [y, mo] = keys[0].split("-").map(Number);
    const [y1, m1] = keys[keys.length - 1].split("-").map(Number);
    while (y < y1 || (y === y1 && mo <= m1)) {
      all.push(y + "-" + String(mo).padStart(2, "0"));
      mo += 1;
      if (mo > 12) { mo = 1; y += 1; }
    }
    const W = Math.max(300, timeline.clientWidth || 1000), H = 120, pad = 18;
    const bw = (W - 2 * pad) / all.length;
    const max = Math.max(...all.map((k) => (months.get(k) || { n: 0 }).n));
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + (H + 20));
    svg.setAttribute("class", "timeline");
    all.forEach((k, i) => {
      const v = months.get(k) || { n: 0, killed: 0 };
      const h = max ? (v.n / max) * H : 0;
      const rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", String(pad + i * bw + 1));
      rect.setAttribute("y", String(H - h));
      rect.setAttribute("width", String(Math.max(1, bw - 2)));
      rect.setAttribute("height", String(Math.max(h, v.n ? 1 : 0)));
      rect.setAttribute("class", "bar");
      rect.dataset.month = k;
      const t = document.createElementNS(SVG, "title");
      t.textContent = k + ": " + v.n + " incidents, at least " + v.killed + " killed (click: this month only)";
      rect.appendChild(t);
      rect.addEventListener("click", () => {
        const [yy, mm] = k.split("-").map(Number);
        const last = new Date(Date.UTC(yy, mm, 0)).getUTCDate();
        form.elements.since.value = k + "-01";
        form.elements.until.value = k + "-" + String(last).padStart(2, "0");
        load();
      });
      svg.appendChild(rect);
      if (k.endsWith("-01") || all.length <= 14) {
        const lab = document.createElementNS(SVG, "text");
        lab.setAttribute("x", String(pad + i * bw));
        lab.setAttribute("y", String(H + 14));
        lab.textContent = all.length <= 14 ? k : k.slice(0, 4);
        svg.appendChild(lab);
      }
    });
    timeline.appendChild(svg);
    document.getElementById("timeline-note").textContent = "incidents per month, " + all[0] + " to " + all[all.length - 1];
  }

  // ---------------------------------------------------------------- the list
  function drawList(items) {
    listBody.textContent = "";
    const shown = items.slice(0, 500);
    for (const r of shown) {
      const tr = document.createElement("tr");
      tr.className = "incident";
      tr.dataset.perpetrators = r.perpetrators || "";
      const cells = [r.date_start || "?", r.place_name || "", range(r.killed_min, r.killed_max), r.perpetrators || "",
        r.means || "", r.grade, r.contested_by ? String(r.contested_by) : ""];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        if (i === 0) {
          const a = document.createElement("a");
          a.href = "/incidents/" + encodeURIComponent(r.id);
          a.textContent = text;
          td.appendChild(a);
        } else {
          td.textContent = text;
        }
        tr.appendChild(td);
      });
      listBody.appendChild(tr);
    }
    return shown.length;
  }

  // ---------------------------------------------------------------- filters -> map, timeline, list
  let seq = 0;
  function params() {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) {
      if (v) p.set(k, String(v));
    }
    return p;
  }

  function load() {
    const p = params();
    const mine = ++seq;
    history.replaceState(null, "", p.toString() ? "?" + p.toString() : location.pathname);
    document.body.dataset.loading = "1";
    fetch("/api/map?" + p.toString()).then((r) => r.json()).then((data) => {
      if (mine !== seq) return; // a newer filter won
      const items = data.items || [];
      cluster.clearLayers();
      const markers = [];
      for (const r of items) {
        if (r.lat === null || r.lon === null) continue;
        const rad = 4 + Math.sqrt(r.killed_max || r.killed_min || 0) * 1.6;
        const c = colour(r.perpetrators);
        const m = L.circleMarker([r.lat, r.lon], { radius: rad, color: c, weight: 1, fillColor: c, fillOpacity: 0.55,
          className: "incident-marker" });
        // built when first shown, not for every marker on every filter change
        m.bindPopup(() => popup(r));
        m.bindTooltip(() => {
          const tip = document.createElement("span");
          tip.textContent = (r.date_start || "?") + " " + (r.place_name || "");
          return tip;
        }, { sticky: true });
        markers.push(m);
      }
      cluster.addLayers(markers);
      drawTimeline(items);
      const n = drawList(items);
      count.textContent = data.total + " matching" + (n < data.total ? ", first " + n + " listed" : "") +
        (data.truncated ? " (map shows the first " + items.length + ")" : "") + ", " + markers.length + " on the map";
      document.body.dataset.loading = "";
      document.body.dataset.total = String(data.total);
    });
  }

  // filters from the address bar, so a filtered view can be shared
  const initial = new URLSearchParams(location.search);
  for (const [k, v] of initial.entries()) {
    if (form.elements[k]) form.elements[k].value = v;
  }
  form.addEventListener("change", load);
  form.addEventListener("submit", (ev) => { ev.preventDefault(); load(); });
  form.elements.q.addEventListener("input", () => {
    clearTimeout(form._t);
    form._t = setTimeout(load, 300);
  });
  form.addEventListener("reset", () => setTimeout(load, 0));
  load();
})();
