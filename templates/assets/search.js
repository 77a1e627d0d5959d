// The search box in the header (shown only when JavaScript runs). Pagefind's search script and
// index are loaded from the site itself (pagefind/) on the first keystroke: no request leaves the
// site. Results show the page title, its region and question, and an excerpt with the match
// marked. The excerpt is rebuilt from text nodes and <mark> only, so no markup from the index
// reaches the page.
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  var panel = document.getElementById("search-results");
  if (!box || !panel) return;
  var input = box.querySelector("input");
  var status = panel.querySelector(".search-status");
  var list = panel.querySelector(".search-list");
  var more = panel.querySelector(".search-more");
  var PAGE = 10;
  var pagefind = null;
  var results = [];
  var shown = 0;
  var latest = 0;
  box.hidden = false;
  box.querySelector("form").addEventListener("submit", function (e) {
    e.preventDefault();
    run();
  });

  function load() {
    if (!pagefind) {
      var url = new URL(box.getAttribute("data-pagefind-js"), document.baseURI).href;
      pagefind = import(url).then(function (pf) {
        return pf.options({ excerptLength: 40 }).then(function () {
          pf.init();
          return pf;
        });
      });
      pagefind.catch(function () {
        pagefind = null;
      });
    }
    return pagefind;
  }

  // Text and <mark> of an excerpt, as DOM nodes; any other markup is dropped, its text kept.
  // Where the excerpt holds the query whole, only that is marked: a Japanese query is searched
  // as its words (区西南部 → 区・西南・部), and marking each word alone would mark every 区.
  function excerpt(html, query) {
    var marked = pagefindMarks(html);
    var text = marked.textContent;
    var whole = (query || "").replace(/\s+/g, "");
    if (!whole || text.indexOf(whole) < 0) return marked;
    var out = document.createDocumentFragment();
    var parts = text.split(whole);
    parts.forEach(function (part, i) {
      if (part) out.appendChild(document.createTextNode(part));
      if (i < parts.length - 1) {
        var mark = document.createElement("mark");
        mark.textContent = whole;
        out.appendChild(mark);
      }
    });
    return out;
  }

  function pagefindMarks(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createDocumentFragment();
    (function walk(node, into) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) {
          into.appendChild(document.createTextNode(child.nodeValue));
        } else if (child.nodeType === 1) {
          if (child.nodeName === "MARK") {
            var mark = document.createElement("mark");
            walk(child, mark);
            into.appendChild(mark);
          } else {
            walk(child, into);
          }
        }
      });
    })(doc.body.firstChild || doc.body, out);
    return out;
  }

  function item(data, query) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    var title = document.createElement("p");
    title.className = "search-title";
    title.appendChild(a);
    li.appendChild(title);
    // Region and question, unless the title already says it (a region's or a question's page).
    var m = data.meta || {};
    var where = [m.region, m.question, m.scope].filter(function (w) {
      return w && w !== a.textContent;
    });
    if (where.length) {
      var meta = document.createElement("p");
      meta.className = "search-where";
      meta.textContent = where.join(" · ");
      li.appendChild(meta);
    }
    var p = document.createElement("p");
    p.className = "search-excerpt";
    p.appendChild(excerpt(data.excerpt || "", query));
    li.appendChild(p);
    return li;
  }

  function showMore(run, query) {
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= results.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
      if (run !== latest) return;
      datas.forEach(function (d) { list.appendChild(item(d, query)); });
    });
  }

  function clear() {
    latest++;
    panel.hidden = true;
    list.textContent = "";
    status.textContent = "";
    more.hidden = true;
  }

  function run() {
    var query = input.value.trim();
    if (!query) return clear();
    var mine = ++latest;
    panel.hidden = false;
    load().then(function (pf) {
      return pf.debouncedSearch(query, {}, 250);
    }).then(function (search) {
      if (search === null || mine !== latest) return;
      results = search.results;
      shown = 0;
      list.textContent = "";
      status.textContent = results.length
        ? "「" + query + "」の検索結果: " + results.length + " 件"
        : "「" + query + "」に一致するページはありません";
      return showMore(mine, query);
    }).catch(function () {
      if (mine !== latest) return;
      status.textContent = location.protocol === "file:"
        ? "検索はウェブサーバーで公開したサイト（または surveysite serve）で使えます。"
        : "検索の索引を読み込めませんでした。";
    });
  }

  input.addEventListener("input", run);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      input.value = "";
      clear();
    }
  });
  more.addEventListener("click", function () {
    var first = shown;
    showMore(latest, input.value.trim()).then(function () {
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });
})();
