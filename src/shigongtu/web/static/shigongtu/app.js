/* 施工图 — page behaviour without a framework.
 *
 * Everything is wired by data- attributes, so templates never call this file directly,
 * and it is applied again to whatever htmx swaps in:
 *
 *   <table data-tree="plan-7">             plan tree; rows carry data-code / data-parent
 *     [data-tree-persist="false"]          do not remember folds (filtered views)
 *     <tr data-lazy>                        children not loaded yet: its own a.tree-toggle carries
 *                                           hx-get (hx-trigger="click once", hx-swap="afterend")
 *                                           and an href to the page with the branch open (no script)
 *     <tr class="tree-more">                the next children of a big branch (hx-swap="outerHTML")
 *   <button data-tree-action="expand-all|collapse-all|level" [data-tree-level="1"] [data-tree-target="#id"]>
 *   <div class="chart" data-chart-url="…">  ECharts option fetched as JSON (or data-chart-json="<json_script id>")
 *   <button data-confirm="确定删除？">      asks before the click or submit goes through
 *   <button data-nav-toggle>, <button data-dismiss>, <select data-autosubmit>
 *
 * htmx requests get the CSRF token in X-CSRFToken.
 */
(function () {
  "use strict";

  var EN = /^en\b/i.test(document.documentElement.lang || "");
  var T = EN
    ? { expand: "Expand", collapse: "Collapse", loading: "Loading…", chartError: "The chart could not be loaded.", confirm: "Are you sure?" }
    : { expand: "展开", collapse: "折叠", loading: "加载中…", chartError: "图表加载失败，请刷新重试。", confirm: "确定要执行此操作吗？" };

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  /* ---------- CSRF for htmx ---------- */

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return "";
  }

  // The cookie is authoritative (Django rotates it at login); the meta tag covers
  // CSRF_COOKIE_HTTPONLY / CSRF_USE_SESSIONS deployments.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return cookie("csrftoken") || (meta ? meta.getAttribute("content") : "");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (String(event.detail.verb).toUpperCase() !== "GET") {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    }
  });

  /* ---------- plan tree: expand / collapse, remembered per tree in localStorage ---------- */

  function storageGet(key) {
    try { return JSON.parse(window.localStorage.getItem(key)); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: state is just not kept */ }
  }

  function Tree(table) {
    this.table = table;
    this.key = "shigongtu:tree:" + (table.getAttribute("data-tree") || window.location.pathname);
    this.collapsed = null;
    this.persist = table.getAttribute("data-tree-persist") !== "false";
    this.index();
  }

  // (Re)read the rows: called again when htmx swaps rows in. Parents must precede children.
  Tree.prototype.index = function () {
    var self = this;
    this.rows = Array.prototype.slice.call(this.table.querySelectorAll("tr[data-code]"));
    this.byCode = {};
    this.children = {};
    this.depth = {};
    this.rows.forEach(function (row) {
      var code = row.getAttribute("data-code");
      var parent = row.getAttribute("data-parent") || "";
      self.byCode[code] = row;
      self.depth[code] = parent && parent in self.depth ? self.depth[parent] + 1 : 0;
      if (parent) (self.children[parent] = self.children[parent] || []).push(row);
    });
    if (this.collapsed === null) {
      var stored = this.persist ? storageGet(this.key) : null;
      this.collapsed = {};
      if (Array.isArray(stored)) {
        stored.forEach(function (code) { self.collapsed[code] = true; });
      } else if (this.table.hasAttribute("data-tree-collapse-level")) {
        // First visit: fold everything at or below this depth (e.g. 1 = show fronts and tasks).
        this.collapseFrom(parseInt(this.table.getAttribute("data-tree-collapse-level"), 10) || 0, false);
      }
    }
    this.rows.forEach(function (row) { self.ensureToggle(row); });
    this.apply();
  };

  Tree.prototype.ensureToggle = function (row) {
    var button = row.querySelector(".tree-toggle");
    if (!button) {
      var cell = row.querySelector(".tree-cell-inner") || row.querySelector(".tree-cell") || row.cells[0];
      if (!cell) return;
      button = document.createElement("button");
      button.type = "button";
      button.className = "tree-toggle";
      cell.insertBefore(button, cell.firstChild);
    }
    var code = row.getAttribute("data-code");
    var lazy = row.hasAttribute("data-lazy") && !this.children[code];
    // A lazy branch opens when its children arrive, whatever fold was remembered for it.
    if (lazy) delete this.collapsed[code];
    var leaf = !this.children[code] && !lazy;
    button.classList.toggle("is-leaf", leaf);
    button.tabIndex = leaf ? -1 : 0;
    if (leaf) button.setAttribute("aria-hidden", "true"); else button.removeAttribute("aria-hidden");
  };

  Tree.prototype.apply = function () {
    var self = this;
    this.rows.forEach(function (row) {
      var code = row.getAttribute("data-code");
      var parentCode = row.getAttribute("data-parent");
      var parent = parentCode && self.byCode[parentCode];
      row.hidden = !!parent && (parent.hidden || !!self.collapsed[parentCode]);
      var button = row.querySelector(".tree-toggle");
      if (button && !self.children[code] && row.hasAttribute("data-lazy")) {
        button.setAttribute("aria-expanded", "false");
        button.title = T.expand;
        row.classList.add("is-collapsed");
      } else if (button && self.children[code]) {
        var open = !self.collapsed[code];
        var label = row.querySelector(".tree-label");
        button.setAttribute("aria-expanded", open ? "true" : "false");
        button.title = open ? T.collapse : T.expand;
        button.setAttribute("aria-label", button.title + (label ? " " + label.textContent.trim() : ""));
        row.classList.toggle("is-collapsed", !open);
      }
    });
  };

  Tree.prototype.save = function () {
    var self = this;
    if (!this.persist) return;
    storageSet(this.key, Object.keys(this.collapsed).filter(function (code) { return self.children[code]; }));
  };

  Tree.prototype.toggle = function (code, deep) {
    var collapse = !this.collapsed[code];
    var self = this;
    (function visit(c) {
      if (!self.children[c]) return;
      if (collapse) self.collapsed[c] = true; else delete self.collapsed[c];
      if (deep) self.children[c].forEach(function (row) { visit(row.getAttribute("data-code")); });
    })(code);
    this.apply();
    this.save();
  };

  // Collapse every node at depth >= level, expand the ones above it.
  Tree.prototype.collapseFrom = function (level, persist) {
    var self = this;
    this.collapsed = {};
    Object.keys(this.children).forEach(function (code) {
      if ((self.depth[code] || 0) >= level) self.collapsed[code] = true;
    });
    if (persist !== false) { this.apply(); this.save(); }
  };

  function initTree(table) {
    if (table._sgtTree) table._sgtTree.index(); else table._sgtTree = new Tree(table);
  }

  function treeFor(control) {
    var target = control.getAttribute("data-tree-target");
    var table = target ? document.querySelector(target)
      : (control.closest(".card") || document).querySelector("[data-tree]");
    if (!table) return null;
    if (!table._sgtTree) initTree(table);
    return table._sgtTree;
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".tree-toggle");
    if (toggle && !toggle.classList.contains("is-leaf")) {
      var table = toggle.closest("[data-tree]");
      var row = toggle.closest("tr[data-code]");
      if (table && row) {
        if (!table._sgtTree) initTree(table);
        // A branch's link (for pages without script) only folds once its rows are here.
        if (toggle.tagName === "A" && table._sgtTree.children[row.getAttribute("data-code")]) event.preventDefault();
        // Alt/Shift-click folds or unfolds the whole branch.
        table._sgtTree.toggle(row.getAttribute("data-code"), event.altKey || event.shiftKey);
      }
      return;
    }
    var control = event.target.closest("[data-tree-action]");
    if (!control) return;
    var tree = treeFor(control);
    if (!tree) return;
    var action = control.getAttribute("data-tree-action");
    if (action === "expand-all") tree.collapseFrom(Infinity);
    else if (action === "collapse-all") tree.collapseFrom(0);
    else if (action === "level") tree.collapseFrom(parseInt(control.getAttribute("data-tree-level"), 10) || 0);
  });

  /* ---------- charts: <div class="chart" data-chart-url="/…/chart.json"> ---------- */

  var echartsPromise = null;

  // ECharts is a megabyte: only pages that show a chart load it (path from <body data-echarts-src>).
  function loadEcharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (echartsPromise) return echartsPromise;
    var src = document.body.getAttribute("data-echarts-src");
    if (!src) return Promise.reject(new Error("no data-echarts-src on <body>"));
    echartsPromise = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(window.echarts); };
      script.onerror = function () { echartsPromise = null; reject(new Error("cannot load " + src)); };
      document.head.appendChild(script);
    });
    return echartsPromise;
  }

  function chartOption(el) {
    var jsonId = el.getAttribute("data-chart-json");
    if (jsonId) {
      return new Promise(function (resolve) {
        var node = document.getElementById(jsonId);
        if (!node) throw new Error("no #" + jsonId);
        resolve(JSON.parse(node.textContent));
      });
    }
    return fetch(el.getAttribute("data-chart-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + response.url);
      return response.json();
    });
  }

  function initChart(el) {
    if (el._sgtChart) return;
    el._sgtChart = "loading";
    if (!el.firstElementChild && !el.textContent.trim()) {
      el.innerHTML = '<div class="chart-error"></div>';
      el.firstChild.textContent = T.loading;
    }
    Promise.all([loadEcharts(), chartOption(el)]).then(function (result) {
      var echarts = result[0];
      var option = result[1];
      if (!el.isConnected) return;
      var dark = !!el.closest(".bigscreen");
      if (dark && option.backgroundColor === undefined) option.backgroundColor = "transparent";
      // Same Chinese font as the page; bigger text on the wall screen.
      option.textStyle = Object.assign({ fontFamily: window.getComputedStyle(el).fontFamily }, dark ? { fontSize: 16 } : {}, option.textStyle);
      if (dark) {
        ["xAxis", "yAxis"].forEach(function (name) {
          [].concat(option[name] || []).forEach(function (axis) { axis.axisLabel = Object.assign({ fontSize: 14 }, axis.axisLabel); });
        });
      }
      el.textContent = "";
      var chart = echarts.init(el, dark ? "dark" : null, { renderer: el.getAttribute("data-chart-renderer") || "canvas" });
      chart.setOption(option);
      el._sgtChart = chart;
    }).catch(function (error) {
      el._sgtChart = null;
      el.innerHTML = '<div class="chart-error" role="alert"></div>';
      el.firstChild.textContent = el.getAttribute("data-chart-error") || T.chartError;
      if (window.console) console.error("chart", el.getAttribute("data-chart-url") || el.getAttribute("data-chart-json"), error);
    });
  }

  function resizeCharts() {
    each(document, "[data-chart-url], [data-chart-json]", function (el) {
      if (el._sgtChart && el._sgtChart.resize) el._sgtChart.resize();
    });
  }

  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(resizeCharts, 150);
  });

  // Paper is narrower than the screen: redraw for print and back again.
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);

  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var el = event.target;
    if (el._sgtChart && el._sgtChart.dispose) { el._sgtChart.dispose(); el._sgtChart = null; }
  });

  /* ---------- confirmation: data-confirm on buttons, links or forms ---------- */

  function confirmed(el) {
    return window.confirm(el.getAttribute("data-confirm") || T.confirm);
  }

  // Capture phase, so a "no" also stops htmx's own listeners on the element.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (!el || el.tagName === "FORM" || el.disabled) return;
    if (!confirmed(el)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    if (!form.hasAttribute("data-confirm") || (submitter && submitter.hasAttribute("data-confirm"))) return;
    if (!confirmed(form)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  /* ---------- small layout helpers ---------- */

  document.addEventListener("click", function (event) {
    var navToggle = event.target.closest("[data-nav-toggle]");
    if (navToggle) {
      var open = document.body.classList.toggle("nav-open");
      navToggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (document.body.classList.contains("nav-open") && !event.target.closest(".sidenav")) closeNav();
    each(document, "details.menu[open]", function (menu) { if (!menu.contains(event.target)) menu.open = false; });
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      var box = dismiss.closest(".flash, [data-dismissible]");
      if (box) box.remove();
    }
  });

  function closeNav() {
    document.body.classList.remove("nav-open");
    each(document, "[data-nav-toggle]", function (b) { b.setAttribute("aria-expanded", "false"); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("nav-open")) closeNav();
  });

  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });

  /* ---------- wiring ---------- */

  function init(root) {
    root = root || document;
    each(root, "[data-tree]", function (table) { if (!table._sgtTree) initTree(table); });
    if (root !== document && root.closest) {
      var tree = root.closest("[data-tree]");
      if (tree && tree !== root) initTree(tree);   // rows swapped into an existing tree
    }
    each(root, "[data-chart-url], [data-chart-json]", initChart);
  }

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt || event.target); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);

  window.Shigongtu = { init: init, csrfToken: csrfToken, loadEcharts: loadEcharts, resizeCharts: resizeCharts };
})();

/* ---------- dashboard helpers (驾驶舱): print button, sortable tables, clock, chart extras ----------
 *   <button data-print>                       prints the page
 *   <table data-sortable> <th data-sort="num|text">, <td data-value="…">   click a header to sort
 *   <time data-clock>                         the wall clock of the big screen
 * Chart options may carry sgtAspect (keep the plot's width/height ratio) and sgtTiles
 * ({url, z, x0, x1, y0, y1}: an XYZ tile layer under a map's points); a data item with a
 * "url" opens it on click.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); return; }
    var th = event.target.closest("table[data-sortable] th[data-sort]");
    if (th) sortBy(th);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var th = event.target.closest && event.target.closest("table[data-sortable] th[data-sort]");
    if (th) { event.preventDefault(); sortBy(th); }
  });

  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    if (!body) return;
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-sort") === "num";
    var ascending = th.getAttribute("aria-sort") === "descending" || (!th.hasAttribute("aria-sort") && !numeric);
    Array.prototype.forEach.call(th.parentNode.children, function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index], y = b.cells[index];
      var vx = x ? (x.getAttribute("data-value") || x.textContent.trim()) : "";
      var vy = y ? (y.getAttribute("data-value") || y.textContent.trim()) : "";
      var order = numeric ? (parseFloat(vx) || 0) - (parseFloat(vy) || 0) : vx.localeCompare(vy, "zh-Hans-CN");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function tick() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-clock]"), function (el) {
      el.textContent = now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) + " " +
        two(now.getHours()) + ":" + two(now.getMinutes());
    });
  }
  if (document.querySelector("[data-clock]")) { tick(); window.setInterval(tick, 30000); }

  // Runs before app.js's own initChart hands the option to ECharts (it calls setOption once).
  function prepare(el, option) {
    var tiles = option.sgtTiles;
    delete option.sgtTiles;
    var aspect = option.sgtAspect;
    delete option.sgtAspect;
    if (aspect && el.clientWidth && el.clientHeight) {
      var grid = option.grid || {};
      var top = grid.top || 0, bottom = grid.bottom || 0, left = grid.left || 0, right = grid.right || 0;
      var w = el.clientWidth - left - right, h = el.clientHeight - top - bottom;
      if (w / h > aspect) { var nw = h * aspect; grid.left = left + (w - nw) / 2; grid.width = nw; delete grid.right; }
      else { var nh = w / aspect; grid.top = top + (h - nh) / 2; grid.height = nh; delete grid.bottom; }
      option.grid = grid;
    }
    if (tiles && tiles.url) {
      var cells = [];
      for (var x = tiles.x0; x <= tiles.x1; x++) for (var y = tiles.y0; y <= tiles.y1; y++) cells.push([x, y]);
      option.series = [{
        type: "custom", silent: true, z: 0, clip: true, data: cells,
        renderItem: function (params, api) {
          var tx = api.value(0), ty = api.value(1);
          var a = api.coord([tx, ty]), b = api.coord([tx + 1, ty + 1]);
          var url = tiles.url.replace("{z}", tiles.z).replace("{x}", tx).replace("{y}", ty);
          return { type: "image", style: { image: url, x: Math.min(a[0], b[0]), y: Math.min(a[1], b[1]),
            width: Math.abs(b[0] - a[0]), height: Math.abs(b[1] - a[1]) } };
        }
      }].concat(option.series || []);
    }
    return option;
  }

  function wire(el) {
    var chart = el._sgtChart;
    if (!chart || chart === "loading" || chart._sgtWired) return;
    chart._sgtWired = true;
    chart.on("click", function (params) {
      if (params && params.data && params.data.url) window.location.href = params.data.url;
    });
  }

  // Wrap echarts.init once ECharts is there, so options are prepared and clicks wired for every chart.
  function patch(echarts) {
    if (!echarts || echarts._sgtPatched) return echarts;
    var init = echarts.init;
    echarts.init = function (el) {
      var chart = init.apply(echarts, arguments);
      var setOption = chart.setOption;
      chart.setOption = function (option) {
        var args = Array.prototype.slice.call(arguments);
        if (option && (option.sgtAspect || option.sgtTiles)) args[0] = prepare(el, option);
        var result = setOption.apply(chart, args);
        window.setTimeout(function () { el._sgtChart = el._sgtChart || chart; wire(el); }, 0);
        return result;
      };
      return chart;
    };
    echarts._sgtPatched = true;
    return echarts;
  }

  if (window.Shigongtu && window.Shigongtu.loadEcharts && document.querySelector("[data-chart-url], [data-chart-json]")) {
    window.Shigongtu.loadEcharts().then(patch).catch(function () { /* the charts show their own error */ });
  }
})();
