// Tidings web app: live updates and keyboard shortcuts. Every page works without this file.
// Untrusted text (titles, names) is only ever set with textContent, never parsed as HTML.
"use strict";

(function () {
  var LANG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$/;
  var body = document.body;

  // "/" focuses the search box (unless typing somewhere already); Escape leaves it.
  document.addEventListener("keydown", function (e) {
    var target = e.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    var box = document.getElementById("q");
    if (e.key === "/" && !typing && box) {
      e.preventDefault();
      box.focus();
      box.select();
    } else if (e.key === "Escape" && target === box) {
      box.blur();
    }
  });

  function say(message) {
    var status = document.getElementById("live-status");
    if (status) { status.textContent = message; }
  }

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // One event of a listing, as the server renders it (templates/_macros.html event_item).
  function eventItem(row) {
    var li = el("li", "event");
    li.dataset.id = row.id;
    var a = el("a", "event-title");
    a.href = "/events/" + encodeURIComponent(row.id);
    var title = el("span", null, row.title || row.id);
    if (row.title_lang && LANG.test(row.title_lang)) { title.lang = row.title_lang; }
    title.dir = "auto";
    a.appendChild(title);
    li.appendChild(a);
    var meta = el("div", "meta");
    meta.appendChild(el("span", "count", row.articles + (row.articles === 1 ? " article" : " articles")));
    if (row.date) { meta.appendChild(el("span", "date", row.date)); }
    if (row.where) { meta.appendChild(el("span", "where", row.where)); }
    var langs = el("span", "langs");
    (row.languages || []).forEach(function (l) { langs.appendChild(el("span", "lang", l)); });
    meta.appendChild(langs);
    li.appendChild(meta);
    return li;
  }

  function poll(onChange) {
    var revision = parseInt(body.dataset.revision || "0", 10);
    var every = Math.max(2, parseFloat(body.dataset.poll || "5")) * 1000;
    var busy = false;
    function tick() {
      if (busy || document.hidden) { return; }
      busy = true;
      getJSON("/api/changes?since=" + revision).then(function (changes) {
        if (changes.revision > revision && (changes.events.length || changes.articles)) {
          return onChange(changes).then(function () { revision = changes.revision; });
        }
        revision = Math.max(revision, changes.revision);
      }).catch(function () { /* the server is restarting or busy: try again next time */ })
        .then(function () { busy = false; });
    }
    window.setInterval(tick, every);
  }

  if (body.dataset.live === "events" && body.dataset.firstPage === "yes") {
    poll(function (changes) {
      return getJSON("/api/events?" + body.dataset.apiQuery).then(function (listing) {
        var list = document.getElementById("events");
        var empty = document.getElementById("events-empty");
        var focused = document.activeElement && list.contains(document.activeElement) ?
          document.activeElement.closest("li") : null;
        var keep = focused ? focused.dataset.id : null;
        var fresh = document.createDocumentFragment();
        listing.events.forEach(function (row) { fresh.appendChild(eventItem(row)); });
        list.replaceChildren(fresh);
        if (empty && listing.events.length) { empty.remove(); }
        var total = document.getElementById("total");
        if (total) { total.textContent = String(listing.total); }
        if (keep) {  // keyboard users keep their place
          var again = list.querySelector('li[data-id="' + CSS.escape(keep) + '"] a');
          if (again) { again.focus(); }
        }
        say("Updated: " + changes.articles + " new article(s), " + changes.events.length + " event(s) changed.");
      });
    });
  }

  if (body.dataset.live === "event") {
    var eventId = body.dataset.eventId;
    poll(function (changes) {
      if (changes.events.indexOf(eventId) >= 0) {
        var notice = document.getElementById("event-notice");
        if (notice) { notice.hidden = false; }
        say("This event has new reports.");
      }
      return Promise.resolve();
    });
  }
})();
