/* adexplain's step-through page: reveals, one step at a time, what adexplain computed.

   Nothing here computes a value, a partial, a term or a sum: every number on the page is
   text from the page's data (written by adexplain in Python, with --digits). A prediction
   is checked against the interval of answers adexplain put beside each step. The script
   draws the graph from Graphviz's coordinates when the page has them, and otherwise asks
   the packaged dagre for a layout. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var LINE = 15; // px between the text lines of a box
  var PAD = 7;
  var doc = JSON.parse(document.getElementById("adexplain-json").textContent);
  var page = JSON.parse(document.getElementById("adexplain-page").textContent);
  var stages = page.stages;
  var state = { stage: 0, shown: 0, predict: false, asked: 0, right: 0, pending: false, selected: null };
  var view = { boxes: {}, edges: [], rows: {}, blocks: [], bar: [] };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- what is revealed at the current point -------------------------------------------

  function stageIndex(key) {
    for (var i = 0; i < stages.length; i++) if (stages[i].key === key) return i;
    return -1;
  }
  /* Steps of stage i that are revealed: all of an earlier stage, none of a later one. */
  function revealedSteps(i) {
    if (i < 0) return null;
    if (i < state.stage) return stages[i].steps.length;
    if (i > state.stage) return 0;
    return state.shown;
  }
  function valueShown(id) {
    var i = stageIndex("values");
    if (i < 0) return true; // no forward stage: values are simply shown
    var stage = stages[i], n = revealedSteps(i);
    if (stage.start.indexOf(id) >= 0 && (i <= state.stage)) return true;
    for (var k = 0; k < n; k++) if (stage.steps[k].node === id) return true;
    return false;
  }
  function partialShown(edge) {
    var i = stageIndex("partials");
    if (i < 0) return true;
    var n = revealedSteps(i);
    for (var k = 0; k < n; k++) if (stages[i].steps[k].edge === edge) return true;
    return false;
  }
  /* The sum a sweep stage holds in each node so far: the last total revealed. */
  function sums(i) {
    var out = {}, n = revealedSteps(i);
    for (var k = 0; k < n; k++) out[stages[i].steps[k].node] = stages[i].steps[k].total;
    return out;
  }
  function sweepStage() {
    var stage = stages[state.stage];
    if (stage && (stage.key === "adjoints" || stage.key.indexOf("tangents:") === 0)) return state.stage;
    return -1;
  }
  function currentStep() {
    var stage = stages[state.stage];
    return stage && state.shown > 0 ? stage.steps[state.shown - 1] : null;
  }

  // --- the graph --------------------------------------------------------------------------

  function boxText(id) {
    var info = page.nodes[id];
    // The output's box names it as the labels do (loss, Z), unless its label already does.
    var out = doc.output_name || "Z";
    var named = info.label.indexOf("(" + out + ")") >= 0;
    var head = info.label + (id === page.output && !named ? "  = " + out : "");
    return [head, info.formula, "= " + info.value, ""];
  }

  function measure(lines, size) {
    var probe = $("picture");
    var widest = 0;
    lines.forEach(function (line) {
      var t = svgEl("text", { "font-size": size }, line);
      probe.appendChild(t);
      widest = Math.max(widest, t.getComputedTextLength());
      probe.removeChild(t);
    });
    return widest;
  }

  function dagreLayout() {
    var g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: "BT", nodesep: 28, ranksep: 40, edgesep: 12, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(function () { return {}; });
    doc.nodes.forEach(function (node) {
      var lines = boxText(node.id);
      var widest = sweepWidest(node.id);
      lines[3] = widest;
      var w = measure(lines, 12) + 2 * PAD;
      g.setNode(node.id, { width: w, height: 4 * LINE + 2 * PAD });
    });
    doc.edges.forEach(function (edge, i) {
      var text = edgeText(i);
      g.setEdge(edge.from, edge.to, { width: measure([text.join("")], 11) + 6, height: 14, labelpos: "c" }, "e" + i);
    });
    dagre.layout(g);
    var out = { width: g.graph().width, height: g.graph().height, nodes: {}, edges: [] };
    g.nodes().forEach(function (id) { var n = g.node(id); out.nodes[id] = [n.x, n.y, n.width, n.height]; });
    doc.edges.forEach(function (edge, i) {
      var e = g.edge({ v: edge.from, w: edge.to, name: "e" + i });
      out.edges.push({ points: e.points.map(function (p) { return [p.x, p.y]; }), label: [e.x, e.y], straight: true });
    });
    return out;
  }

  function sweepWidest(id) {
    var widest = "";
    stages.forEach(function (stage) {
      var symbol = stage.key === "adjoints" ? page.nodes[id].adjoint_symbol : page.nodes[id].tangent_symbol;
      stage.steps.forEach(function (step) {
        if (step.node === id && step.total !== undefined) {
          var text = symbol + " = " + step.total;
          if (text.length > widest.length) widest = text;
        }
      });
    });
    return widest;
  }

  function edgeText(i) {
    var info = page.edges[i];
    return [info.label + (info.kink ? " *" : ""), " = " + info.written];
  }

  function curve(points, straight) {
    var d = "M" + points[0][0] + "," + points[0][1];
    if (straight) {
      for (var i = 1; i < points.length; i++) d += " L" + points[i][0] + "," + points[i][1];
      return d;
    }
    // Graphviz gives a cubic B-spline: a start point, then three control points per piece.
    for (var k = 1; k + 2 < points.length; k += 3) {
      d += " C" + [points[k], points[k + 1], points[k + 2]].map(function (p) { return p[0] + "," + p[1]; }).join(" ");
    }
    return d;
  }

  function draw() {
    var svg = $("picture");
    if (!page.draw) {
      svg.remove();
      $("legend").textContent = "The graph has " + doc.nodes.length + " nodes, too many to draw; the tables show them all.";
      return;
    }
    var layout = page.layout || dagreLayout();
    var margin = 6;
    svg.setAttribute("viewBox", [-margin, -margin, layout.width + 2 * margin, layout.height + 2 * margin].join(" "));
    svg.setAttribute("width", layout.width + 2 * margin);
    svg.setAttribute("height", layout.height + 2 * margin);
    var defs = svgEl("defs");
    // Sized in the picture's units, so a thick (highlighted) edge keeps a small arrowhead.
    var marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerUnits: "userSpaceOnUse", markerWidth: "9", markerHeight: "9", orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "#1a1a1a" }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    doc.edges.forEach(function (edge, i) {
      var placed = layout.edges[i];
      var g = svgEl("g", { "class": "edge" + (page.edges[i].kink ? " kink" : ""), "data-edge": i });
      g.appendChild(svgEl("path", { d: curve(placed.points, placed.straight), "marker-end": "url(#arrow)" }));
      var text = edgeText(i);
      if (placed.label) {
        var t = svgEl("text", { x: placed.label[0], y: placed.label[1] + 4, "text-anchor": "middle", "font-size": 11 });
        t.appendChild(svgEl("tspan", {}, text[0]));
        var rest = svgEl("tspan", { "class": "reveal" }, text[1]);
        t.appendChild(rest);
        g.appendChild(t);
        view.edges[i] = { group: g, rest: rest };
      } else {
        view.edges[i] = { group: g, rest: null };
      }
      svg.appendChild(g);
    });
    doc.nodes.forEach(function (node) {
      var box = layout.nodes[node.id];
      var x = box[0], y = box[1], w = box[2], h = box[3];
      var kind = node.kind + (node.id === page.output ? " output" : "");
      var g = svgEl("g", { "class": "node " + kind, "data-node": node.id, tabindex: "0", role: "button",
        "aria-label": page.nodes[node.id].label + ": " + page.nodes[node.id].formula });
      g.appendChild(svgEl("rect", { x: x - w / 2, y: y - h / 2, width: w, height: h, rx: node.kind === "input" ? 14 : 3 }));
      var lines = boxText(node.id), texts = [];
      var top = y - (4 * LINE) / 2 + 11;
      lines.forEach(function (line, k) {
        var t = svgEl("text", { x: x, y: top + k * LINE, "text-anchor": "middle", "font-size": 12,
          "class": k === 0 ? "head" : "" }, line);
        g.appendChild(t);
        texts.push(t);
      });
      g.addEventListener("click", function () { select(node.id); });
      g.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { select(node.id); event.preventDefault(); }
      });
      svg.appendChild(g);
      view.boxes[node.id] = { group: g, value: texts[2], sweep: texts[3] };
    });
    $("legend").textContent = "Inputs (rounded) at the bottom, " + (doc.output_name || "Z")
      + " (thick border) at the top. "
      + "The current step has a thick dashed blue border; a chosen node's paths are thick vermillion; "
      + "a dashed orange edge marked * is not differentiable here (see the warnings). "
      + (page.layout ? "Layout: Graphviz." : "Layout: dagre (Graphviz is not installed).");
  }

  /* A graph wider than its pane opens on its output, at the top, where a sweep starts; the
     pane's own scroll only, so the page itself stays where it is. */
  function showOutput() {
    var pane = $("graph"), svg = $("picture");
    if (!page.draw || !svg) return;
    var box = view.boxes[page.output].group.getBoundingClientRect();
    var frame = pane.getBoundingClientRect();
    pane.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
    pane.scrollTop += box.top - frame.top - 8;
  }

  // --- tables -------------------------------------------------------------------------------

  function table(title, headers, numeric, rows, key) {
    var section = el("section", { "class": "table", id: "table-" + key });
    section.appendChild(el("h2", {}, title));
    var t = el("table");
    var head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", {}, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr", row.attrs);
      row.cells.forEach(function (cell, k) { tr.appendChild(el("td", numeric[k] ? { "class": "n" } : {}, cell)); });
      body.appendChild(tr);
      view.rows[key + ":" + row.key] = tr;
    });
    t.appendChild(body);
    section.appendChild(t);
    $("tables").appendChild(section);
  }

  function buildTables() {
    table("Forward pass: node values", ["node", "expression", "source", "value"], [false, false, false, true],
      doc.nodes.map(function (node) {
        var info = page.nodes[node.id];
        return { key: node.id, attrs: { "data-node": node.id }, cells: [info.label, info.formula, info.source, info.value] };
      }), "values");
    table("Edge partials: the local derivative on each edge", ["edge", "formula", "value"], [false, false, true],
      doc.edges.map(function (edge, i) {
        var info = page.edges[i];
        return { key: i, attrs: { "data-edge": i }, cells: [info.label + (info.kink ? " *" : ""), info.formula, info.value] };
      }), "partials");
    stages.forEach(function (stage) {
      if (stage.key !== "adjoints" && stage.key.indexOf("tangents:") !== 0) return;
      var symbol = stage.key === "adjoints" ? "adjoint_symbol" : "tangent_symbol";
      var order = doc.nodes.map(function (n) { return n.id; });
      if (stage.key === "adjoints") order.reverse();
      table(stage.title, [stage.key === "adjoints" ? "adjoint" : "tangent", "terms added so far", "value"], [false, false, true],
        order.map(function (id) {
          return { key: id, attrs: { "data-node": id }, cells: [page.nodes[id][symbol], "", page.zero] };
        }), stage.key);
    });
    if (page.paths_shown) {
      page.chains.forEach(function (chain) {
        var section = el("section", { "class": "chain-rule", id: "chain-" + chain.variable });
        section.appendChild(el("h2", {}, "Chain rule for " + chain.variable));
        section.appendChild(el("div", { "class": "chain" }, chain.lines.join("\n")));
        $("tables").appendChild(section);
      });
    }
    var warnings = $("warnings");
    if (doc.warnings.length) warnings.appendChild(el("h2", {}, "Warnings"));
    doc.warnings.forEach(function (w) {
      warnings.appendChild(el("p", { "class": "warning", "data-node": w.node }, w.message));
    });
  }

  // --- the blocks view (a program with vectors) ---------------------------------------------

  /* One grid of printed numbers, bracketed: a matrix row by row, a vector as a column. */
  function matrix(rows, which, cells, scalar) {
    var t = el("table", { "class": "matrix " + which + (scalar ? " scalar" : "") });
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell) {
        var td = el("td", cell.node ? { "data-node": cell.node, tabindex: "0", role: "button",
          title: page.elements && page.elements[cell.node] ? page.elements[cell.node] : cell.node } : { "class": "dots" }, cell[which]);
        if (cell.node) {
          td.addEventListener("click", function () { select(cell.node); });
          td.addEventListener("keydown", function (event) {
            if (event.key === "Enter") { select(cell.node); event.preventDefault(); }
          });
          cells.push({ td: td, cell: cell, which: which });
        }
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    return t;
  }

  function buildBlocks() {
    if (!page.blocks) return;
    var section = el("section", { id: "blocks" });
    section.appendChild(el("h2", {}, page.block_headings[0]));
    var statements = el("div", { "class": "blocks" }), inputs = el("div", { "class": "blocks" });
    section.appendChild(statements);
    section.appendChild(el("h2", {}, page.block_headings[1]));
    section.appendChild(inputs);
    page.blocks.forEach(function (block) {
      var card = el("article", { "class": "block " + block.kind, "data-block": block.name });
      var head = el("h3", {}, block.heading);
      card.appendChild(head);
      var cells = [];
      [["value", 0], ["adjoint", 1]].forEach(function (pair) {
        var line = el("div", { "class": "array" });
        line.appendChild(el("span", { "class": "label" }, block.labels[pair[1]]));
        line.appendChild(matrix(block.rows, pair[0], cells, !block.shape.length));
        card.appendChild(line);
      });
      if (block.rules.length) {
        var rules = el("div", { "class": "rules" });
        rules.appendChild(el("span", { "class": "label" }, "rule:"));
        rules.appendChild(el("div", { "class": "mono" }, block.rules.join("\n")));
        card.appendChild(rules);
      }
      var status = el("p", { "class": "status" });
      card.appendChild(status);
      (block.kind === "input" ? inputs : statements).appendChild(card);
      view.blocks.push({ card: card, block: block, cells: cells, status: status });
    });
    if (page.jacobian) section.appendChild(jacobian(page.jacobian));
    $("panes").parentNode.insertBefore(section, $("panes"));
  }

  /* A vector output's Jacobian: the matrix, and how each mode builds it, sweep by sweep. */
  function jacobian(info) {
    var box = el("div", { id: "jacobian" });
    var matrix = info.tables[info.tables.length - 1];
    [matrix].concat(info.tables.slice(0, -1)).forEach(function (t, k) {
      var part = el("section", { "class": "table" + (k === 0 ? " jacobian-matrix" : "") });
      part.appendChild(el("h2", {}, t.title));
      var table = el("table"), head = el("tr");
      t.headers.forEach(function (h) { head.appendChild(el("th", {}, h)); });
      table.appendChild(el("thead")).appendChild(head);
      var body = el("tbody");
      t.rows.forEach(function (row) {
        var tr = el("tr");
        row.forEach(function (cell, c) { tr.appendChild(el(c === 0 && k === 0 ? "th" : "td", t.numeric[c] ? { "class": "n" } : {}, cell)); });
        body.appendChild(tr);
      });
      table.appendChild(body);
      part.appendChild(table);
      t.notes.forEach(function (note) { part.appendChild(el("p", {}, note)); });
      box.appendChild(part);
    });
    info.lines.forEach(function (line) { box.appendChild(el("p", {}, line)); });
    return box;
  }

  /* Values appear as the forward pass reaches them; adjoints as the reverse sweep adds
     their terms (the sums so far), all of them once the sweep is over. */
  function updateBlocks(step) {
    var a = stageIndex("adjoints");
    var during = a >= 0 && state.stage === a, before = a >= 0 && state.stage < a;
    var held = during ? sums(a) : {};
    view.blocks.forEach(function (b) {
      b.cells.forEach(function (c) {
        var text;
        if (c.which === "value") text = valueShown(c.cell.node) ? c.cell.value : "?";
        else if (before) text = "?";
        else if (during) text = held[c.cell.node] !== undefined ? held[c.cell.node] : page.zero;
        else text = c.cell.adjoint;
        c.td.textContent = text;
        c.td.classList.toggle("unknown", text === "?");
        c.td.classList.toggle("selected", state.selected === c.cell.node);
      });
      var at = b.block.complete_at;
      var current = during && at !== null && state.shown === at;
      var complete = !before && (!during || (at !== null && state.shown >= at));
      b.card.classList.toggle("current", current);
      b.card.classList.toggle("complete", complete && a >= 0);
      b.status.textContent = current ? "▶ This step completes the block: every adjoint of its elements is in."
        : during && complete ? "✓ complete" : during ? "(its adjoints are still gathering terms)" : "";
    });
  }

  // --- showing the state --------------------------------------------------------------------

  function update() {
    var step = currentStep();
    var sweep = sweepStage();
    var held = sweep >= 0 ? sums(sweep) : {};
    var symbolKey = sweep >= 0 && stages[sweep].key === "adjoints" ? "adjoint_symbol" : "tangent_symbol";
    var initial = sweep >= 0 ? startingSums() : {};
    doc.nodes.forEach(function (node) {
      var shown = valueShown(node.id);
      var box = view.boxes[node.id];
      var row = view.rows["values:" + node.id];
      if (row) {
        row.lastChild.textContent = shown ? page.nodes[node.id].value : "?";
        row.lastChild.className = shown ? "n" : "n unknown";
        row.classList.toggle("current", !!step && stages[state.stage].key === "values" && step.node === node.id);
      }
      if (!box) return;
      box.value.classList.toggle("hidden", !shown);
      box.group.classList.toggle("done", shown && node.kind === "op");
      var text = "";
      if (sweep >= 0) {
        var total = held[node.id] !== undefined ? held[node.id] : initial[node.id];
        text = page.nodes[node.id][symbolKey] + " = " + total;
      }
      box.sweep.textContent = text;
      box.group.classList.toggle("current", !!step && step.node === node.id);
    });
    doc.edges.forEach(function (edge, i) {
      var shown = partialShown(i);
      var drawn = view.edges[i];
      var row = view.rows["partials:" + i];
      if (row) {
        row.children[1].textContent = shown ? page.edges[i].formula : "?";
        row.children[2].textContent = shown ? page.edges[i].value : "?";
        row.children[2].className = shown ? "n" : "n unknown";
        row.classList.toggle("current", !!step && step.edge === i && stages[state.stage].key === "partials");
      }
      if (drawn) {
        if (drawn.rest) drawn.rest.classList.toggle("hidden", !shown);
        drawn.group.classList.toggle("current", !!step && step.edge === i);
      }
    });
    stages.forEach(function (stage, i) {
      if (stage.key !== "adjoints" && stage.key.indexOf("tangents:") !== 0) return;
      var terms = {}, totals = sums(i), start = startingSums(), n = revealedSteps(i);
      for (var k = 0; k < n; k++) {
        var s = stage.steps[k];
        (terms[s.node] = terms[s.node] || []).push(s.edge === null ? "seed" : s.term_text);
      }
      doc.nodes.forEach(function (node) {
        var row = view.rows[stage.key + ":" + node.id];
        if (!row) return;
        row.children[1].textContent = (terms[node.id] || []).join(" + ");
        // A sweep not begun yet shows nothing; once begun, a node not reached holds its 0.
        var held = totals[node.id] !== undefined ? totals[node.id] : start[node.id];
        row.children[2].textContent = i > state.stage ? "" : held;
        row.classList.toggle("current", i === state.stage && !!step && step.node === node.id);
      });
      // A forward sweep's table appears when its stage is reached: five variables would
      // otherwise stack five empty tables under the graph.
      var section = document.getElementById("table-" + stage.key);
      if (section && stage.key !== "adjoints") section.classList.toggle("later", i > state.stage);
    });
    var stage = stages[state.stage];
    var box = $("step");
    box.textContent = "";
    if (stage) {
      var count = el("span", { "class": "count" }, stage.title + " · step " + state.shown + " of " + stage.steps.length);
      box.appendChild(count);
      box.appendChild(el("span", { "class": "text" }, step ? step.text : stage.intro));
    } else {
      box.textContent = "Nothing to step through: --show chose no stage.";
    }
    view.bar.forEach(function (entry) {
      var here = entry.stages.indexOf(state.stage) >= 0;
      entry.button.setAttribute("aria-selected", here ? "true" : "false");
      if (here && entry.choice) entry.choice.value = String(state.stage);
      if (here) showInBar(entry);
    });
    $("prev").disabled = state.shown === 0;
    $("next").disabled = !stage || state.shown >= stage.steps.length;
    $("score").textContent = state.asked ? state.right + " of " + state.asked + " right" : "";
    updateBlocks(step);
    highlight();
  }

  /* Before any step of a sweep, every node holds the sweep's starting value (0). */
  function startingSums() {
    var out = {};
    doc.nodes.forEach(function (node) { out[node.id] = page.zero; });
    return out;
  }

  // --- moving -------------------------------------------------------------------------------

  function chooseStage(i) {
    if (i < 0 || i >= stages.length) return;
    state.stage = i;
    state.shown = 0;
    closePrediction();
    var stage = stages[i];
    if (stage.variable) $("variable").value = stage.variable;
    update();
  }
  /* The stage bar: one button per kind of stage, numbered for its key. A group's stages (a
     forward sweep per variable) share one button and a list of their variables, so the bar
     is one row however many variables there are. */
  function buildBar() {
    var groups = {};
    stages.forEach(function (stage, i) {
      if (stage.group !== undefined && groups[stage.group]) { groups[stage.group].stages.push(i); return; }
      var entry = { stages: [i], title: stage.title, group: stage.group };
      if (stage.group !== undefined) groups[stage.group] = entry;
      view.bar.push(entry);
    });
    view.bar.forEach(function (entry, k) {
      var number = String(k + 1), several = entry.stages.length > 1;
      var key = stages[entry.stages[0]].key;
      var b = el("button", { role: "tab", "data-stage": several ? key.split(":")[0] : key,
        title: "Key " + number + (several ? "; [ and ] the variable before or after" : "") },
        number + " " + (several ? entry.group : entry.title));
      entry.button = b;
      entry.choose = function () { chooseStage(entry.choice ? Number(entry.choice.value) : entry.stages[0]); };
      b.addEventListener("click", entry.choose);
      $("stages").appendChild(b);
      if (!several) return;
      var choice = el("select", { id: "sweep-variable", "aria-label": entry.group + " which variable" });
      entry.stages.forEach(function (i) {
        choice.appendChild(el("option", { value: String(i) }, stages[i].variable));
      });
      choice.addEventListener("change", entry.choose);
      entry.choice = choice;
      $("stages").appendChild(choice);
    });
  }
  /* A narrow window scrolls the bar sideways: bring the current stage's control into it. */
  function showInBar(entry) {
    var bar = $("stages"), box = bar.getBoundingClientRect();
    var left = entry.button.getBoundingClientRect().left;
    var right = (entry.choice || entry.button).getBoundingClientRect().right;
    if (left < box.left || right > box.right) bar.scrollLeft += left - box.left;
  }
  /* [ and ]: the group's stage before or after the one shown (or the one its list holds). */
  function stepGroup(by) {
    var entry = view.bar.filter(function (e) { return e.choice; })[0];
    if (!entry) return;
    var at = entry.stages.indexOf(state.stage);
    if (at < 0) { entry.choose(); return; }
    var to = Math.max(0, Math.min(entry.stages.length - 1, at + by));
    if (to !== at) chooseStage(entry.stages[to]);
  }
  function next() {
    var stage = stages[state.stage];
    if (!stage || state.shown >= stage.steps.length) {
      if (state.stage + 1 < stages.length) chooseStage(state.stage + 1);
      return;
    }
    if (state.predict && !state.pending) { openPrediction(stage.steps[state.shown]); return; }
    state.shown += 1;
    update();
  }
  function prev() { if (state.shown > 0) { state.shown -= 1; closePrediction(); update(); } }
  function reset() { state.shown = 0; closePrediction(); update(); }
  function revealAll() { var s = stages[state.stage]; if (s) { state.shown = s.steps.length; closePrediction(); update(); } }

  // --- predict mode -------------------------------------------------------------------------

  function openPrediction(step) {
    state.pending = true;
    $("predict").hidden = false;
    $("verdict").textContent = "What is " + step.ask + "? (right within " + page.tolerance + ")";
    $("verdict").className = "";
    $("answer").value = "";
    $("answer").focus();
  }
  function closePrediction() {
    state.pending = false;
    $("predict").hidden = !state.predict;
    if (!state.predict) $("verdict").textContent = "";
  }
  /* Right when the answer falls in the interval adexplain gave (what its homework checker
     accepts); an infinite or nan value is matched as the word itself. */
  function judge(text, step) {
    var written = text.trim().replace(/\u2212/g, "-").toLowerCase();
    if (step.accept === null) return written === "nan";
    if (typeof step.accept[0] === "string") return written === step.accept[0] || written === "+" + step.accept[0];
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(written)) return null;
    var x = Number(written);
    return step.accept[0] <= x && x <= step.accept[1];
  }
  function submitPrediction(event) {
    event.preventDefault();
    var stage = stages[state.stage];
    if (!state.pending || !stage) return;
    var step = stage.steps[state.shown];
    var verdict = judge($("answer").value, step);
    if (verdict === null) {
      $("verdict").textContent = "Type a number, such as -1, 0.5 or 2e-3 (or inf, nan).";
      $("verdict").className = "wrong";
      return;
    }
    state.asked += 1;
    if (verdict) state.right += 1;
    $("verdict").textContent = (verdict ? "✓ right: " : "✗ not quite (you wrote " + $("answer").value.trim() + "): ")
      + step.text;
    $("verdict").className = verdict ? "right" : "wrong";
    state.pending = false;
    state.shown += 1;
    update();
    $("next").focus();
  }

  // --- choosing a node ----------------------------------------------------------------------

  function chain() {
    var chosen = $("variable").value;
    for (var i = 0; i < page.chains.length; i++) if (page.chains[i].variable === chosen) return page.chains[i];
    return null;
  }

  function select(id) {
    state.selected = state.selected === id ? null : id;
    details();
    updateBlocks();
    highlight();
  }

  /* The nodes and edges on some path from the chosen node down to the chosen variable:
     a walk down the graph through the nodes adexplain marked as reaching the variable. */
  function pathsDown(id, reaches) {
    var nodes = {}, edges = {}, stack = [id];
    if (!reaches[id]) return { nodes: nodes, edges: edges };
    nodes[id] = true;
    while (stack.length) {
      var at = stack.pop();
      doc.edges.forEach(function (edge, i) {
        if (edge.to === at && reaches[edge.from]) {
          edges[i] = true;
          if (!nodes[edge.from]) { nodes[edge.from] = true; stack.push(edge.from); }
        }
      });
    }
    return { nodes: nodes, edges: edges };
  }

  function highlight() {
    var c = chain(), lit = { nodes: {}, edges: {} };
    if (state.selected && c) {
      var reaches = {};
      c.reaches.forEach(function (id) { reaches[id] = true; });
      lit = pathsDown(state.selected, reaches);
    }
    doc.nodes.forEach(function (node) {
      var box = view.boxes[node.id];
      if (box) {
        box.group.classList.toggle("selected", state.selected === node.id);
        box.group.classList.toggle("onpath", !!lit.nodes[node.id] && state.selected !== node.id);
      }
      var row = view.rows["values:" + node.id];
      if (row) row.classList.toggle("onpath", !!lit.nodes[node.id]);
    });
    doc.edges.forEach(function (edge, i) {
      if (view.edges[i]) view.edges[i].group.classList.toggle("onpath", !!lit.edges[i]);
    });
  }

  function details() {
    var panel = $("details");
    panel.textContent = "";
    var id = state.selected;
    if (!id) {
      panel.appendChild(el("p", {}, "Click a node (or focus it and press Enter) to see its expression, its partials and its adjoint's terms, and its paths to the variable."));
      return;
    }
    var info = page.nodes[id], node = doc.nodes.filter(function (n) { return n.id === id; })[0];
    panel.appendChild(el("h3", {}, info.label + (id === page.output ? " (the output Z)" : "")));
    panel.appendChild(el("p", { "class": "mono" }, (node.kind === "input" ? "the input " : "") + info.formula
      + " = " + (valueShown(id) ? info.value : "?")));
    if (page.elements && page.elements[id]) panel.appendChild(el("p", { "class": "element" }, "Element " + page.elements[id]));
    if (info.source) panel.appendChild(el("p", {}, "From the text: " + info.source));
    var incoming = [], outgoing = [];
    doc.edges.forEach(function (edge, i) {
      var known = partialShown(i) ? page.edges[i].written : page.edges[i].formula + " = ?";
      var text = page.edges[i].label + " = " + known;
      if (edge.to === id) incoming.push(text);
      if (edge.from === id) outgoing.push(text);
    });
    list(panel, "Partials by its arguments", incoming);
    list(panel, "Partials of the nodes that use it", outgoing);
    var a = stageIndex("adjoints");
    if (a >= 0) {
      var n = revealedSteps(a), terms = [];
      for (var k = 0; k < n; k++) if (stages[a].steps[k].node === id) terms.push(stages[a].steps[k].text);
      list(panel, "Its adjoint's terms (reverse sweep)", terms.length ? terms : ["(not reached yet in the reverse sweep)"]);
    }
    var c = chain();
    if (c) {
      var reaches = c.reaches.indexOf(id) >= 0;
      panel.appendChild(el("p", {}, reaches ? "Its paths down to " + c.variable + " are highlighted."
        : "No path leads from it down to " + c.variable + "."));
    }
    doc.warnings.forEach(function (w) { if (w.node === id) panel.appendChild(el("p", { "class": "warning" }, w.message)); });
  }

  function list(panel, title, items) {
    if (!items.length) return;
    panel.appendChild(el("h3", {}, title));
    var ul = el("ul");
    items.forEach(function (item) { ul.appendChild(el("li", { "class": "mono" }, item)); });
    panel.appendChild(ul);
  }

  // --- start --------------------------------------------------------------------------------

  function start() {
    // A program's statements, one after another, as "a = x*x; a + x".
    var statements = doc.expression.split(/[\n;]+/).map(function (line) { return line.trim(); });
    $("expression").textContent = statements.filter(Boolean).join("; ").split(/\s+/).join(" ");
    $("summary").textContent = page.summary.join("\n");
    buildBar();
    var select = $("variable");
    page.chains.forEach(function (c) { select.appendChild(el("option", { value: c.variable }, c.variable)); });
    select.addEventListener("change", function () { highlight(); details(); });
    draw();
    buildBlocks();
    buildTables();
    $("next").addEventListener("click", next);
    $("prev").addEventListener("click", prev);
    $("reset").addEventListener("click", reset);
    $("all").addEventListener("click", revealAll);
    $("predict-mode").addEventListener("change", function (event) {
      state.predict = event.target.checked;
      closePrediction();
      update();
    });
    $("predict").addEventListener("submit", submitPrediction);
    document.addEventListener("keydown", function (event) {
      if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") {
        if (event.key === "Escape") event.target.blur();
        return;
      }
      var key = event.key;
      if (key === "ArrowRight" || key === " ") next();
      else if (key === "ArrowLeft") prev();
      else if (key === "Home") reset();
      else if (key === "End") revealAll();
      else if (key === "p" || key === "P") { $("predict-mode").click(); }
      else if (key === "Escape") { state.selected = null; details(); updateBlocks(); highlight(); }
      else if (/^[1-9]$/.test(key) && view.bar[Number(key) - 1]) view.bar[Number(key) - 1].choose();
      else if (key === "[" || key === "]") stepGroup(key === "]" ? 1 : -1);
      else return;
      event.preventDefault();
    });
    update();
    showOutput();
    document.body.setAttribute("data-ready", "true");
  }

  start();
})();
