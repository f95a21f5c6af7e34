// Live output on /queue/: every 2 s, fetch GET /api/queue/live and rewrite each runner's
// state (with why it is paused), current run and last output lines. The page is complete without this script;
// it only saves the reload. Text is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var container = document.getElementById("runners");
  if (!container || !container.dataset.live) return;
  var labels = { stdout: "out", stderr: "err", internal: "tj " };
  // Commit links go under [web] base-path, which the page names.
  var base = document.body.getAttribute("data-base") || "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function field(section, name) {
    return section.querySelector('[data-field="' + name + '"]');
  }

  function renderState(node, state) {
    node.className = "state state-" + state.replace(/ /g, "-");
    node.textContent = state;
  }

  function renderRun(node, run) {
    node.textContent = "";
    if (!run) { node.textContent = "—"; return; }
    var link = element("a");
    link.href = base + "/commit/" + encodeURIComponent(run.hash) + "/";
    link.appendChild(element("code", null, run.hash.slice(0, 10)));
    node.appendChild(document.createTextNode("on "));
    node.appendChild(link);
    node.appendChild(document.createTextNode(", run "));
    node.appendChild(element("code", null, run.id));
  }

  function renderOutput(log, lines) {
    var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    var fragment = document.createDocumentFragment();
    lines.forEach(function (line) {
      var source = line[0], text = line[1];
      var span = element("span", source);
      span.appendChild(element("span", "source", labels[source] || source));
      span.appendChild(document.createTextNode(" " + text));
      fragment.appendChild(span);
      fragment.appendChild(document.createTextNode("\n"));
    });
    log.textContent = "";
    log.appendChild(fragment);
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function update(data) {
    var sections = container.querySelectorAll("section.runner");
    var byName = {};
    (data.runners || []).forEach(function (runner) { byName[runner.name] = runner; });
    for (var i = 0; i < sections.length; i++) {
      var runner = byName[sections[i].dataset.runner];
      if (!runner) continue;
      renderState(field(sections[i], "state"), runner.state);
      var paused = field(sections[i], "paused");
      if (paused) paused.textContent = runner.paused || "";
      renderRun(field(sections[i], "run"), runner.run);
      var log = field(sections[i], "output");
      if (log && log.tagName === "PRE") renderOutput(log, runner.output || []);
    }
    container.dataset.updated = String(Date.now());
  }

  function poll() {
    fetch(container.dataset.live, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () { /* the next round tries again */ })
      .then(function () { setTimeout(poll, 2000); });
  }

  setTimeout(poll, 2000);
})();
