/* Page-scan viewer: zoom (wheel, buttons, keys), pan (drag, arrow keys), mark the article's
   rectangle and save it without leaving the correction screen. Loaded as a file: the CSP
   forbids inline script. Without this file the scan is a plain image in a scrollable box. */
(function () {
  "use strict";

  var MAX_SCALE = 12;
  var STEP = 1.25;
  var PAN_STEP = 60;
  var MIN_REGION = 0.01;

  function clamp(value, low, high) {
    return Math.min(high, Math.max(low, value));
  }

  function parseBox(text) {
    if (!text) { return null; }
    var parts = text.split(",").map(Number);
    if (parts.length !== 4 || parts.some(function (n) { return !isFinite(n); })) { return null; }
    return { x: parts[0], y: parts[1], w: parts[2], h: parts[3] };
  }

  function placeBox(element, box, scale) {
    element.style.left = box.x * 100 + "%";
    element.style.top = box.y * 100 + "%";
    element.style.width = box.w * 100 + "%";
    element.style.height = box.h * 100 + "%";
    // The stage is scaled as a whole; keep the outline about 2 screen pixels wide.
    element.style.borderWidth = Math.max(0.5, 2 / scale) + "px";
  }

  function Viewer(root) {
    this.root = root;
    this.viewport = root.querySelector(".scan-viewport");
    this.stage = root.querySelector(".scan-stage");
    this.image = root.querySelector(".scan-image");
    this.mark = root.querySelector(".scan-mark-current");
    this.others = Array.prototype.slice.call(root.querySelectorAll(".scan-mark-other"));
    this.level = root.querySelector(".scan-zoom-level");
    this.drawButton = root.querySelector("[data-action=draw]");
    this.regionButton = root.querySelector("[data-action=region]");
    var width = Number(root.dataset.width), height = Number(root.dataset.height);
    this.ratio = width > 0 && height > 0 ? height / width : 1.4;
    this.region = parseBox(root.dataset.region);
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.baseWidth = 0;
    this.ready = false;
    this.drawing = false;
    this.gesture = null;
    this.hiresRequested = false;
    root.classList.add("is-interactive");
    root.querySelector(".scan-toolbar").hidden = false;
    this.bind();
    this.layout();
  }

  Viewer.prototype.bind = function () {
    var self = this;
    this.root.querySelector(".scan-toolbar").addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (button) { self.act(button.dataset.action); }
    });
    this.viewport.addEventListener("wheel", function (event) {
      event.preventDefault();
      var unit = event.deltaMode === 1 ? 0.05 : 0.002;
      var point = self.pointer(event);
      self.zoomAt(Math.exp(-event.deltaY * unit), point.x, point.y);
    }, { passive: false });
    this.viewport.addEventListener("pointerdown", function (event) { self.down(event); });
    this.viewport.addEventListener("pointermove", function (event) { self.move(event); });
    this.viewport.addEventListener("pointerup", function (event) { self.up(event); });
    this.viewport.addEventListener("pointercancel", function () { self.gesture = null; });
    this.viewport.addEventListener("keydown", function (event) { self.key(event); });
    this.image.addEventListener("dragstart", function (event) { event.preventDefault(); });
    this.image.addEventListener("load", function () { self.sharpen(); });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { self.layout(); }).observe(this.viewport);
    } else {
      window.addEventListener("resize", function () { self.layout(); });
    }
  };

  Viewer.prototype.size = function () {
    return { w: this.viewport.clientWidth, h: this.viewport.clientHeight };
  };

  Viewer.prototype.minScale = function () {
    var view = this.size();
    return Math.min(1, view.h / (this.baseWidth * this.ratio || 1));
  };

  // Lays the stage out at the viewport's width; keeps the same spot centred on resize.
  Viewer.prototype.layout = function () {
    var view = this.size();
    if (!view.w) { return; }  // hidden (another page is shown): lay out when shown
    var centre = this.ready ? this.centre() : null;
    this.baseWidth = view.w;
    this.stage.style.width = this.baseWidth + "px";
    this.stage.style.height = this.baseWidth * this.ratio + "px";
    if (!this.ready) {
      this.ready = true;
      this.reset();
      return;
    }
    this.tx = view.w / 2 - centre.x * this.baseWidth * this.scale;
    this.ty = view.h / 2 - centre.y * this.baseWidth * this.ratio * this.scale;
    this.apply();
  };

  Viewer.prototype.reset = function () {
    if (this.region) {
      this.showMark(this.region);
      this.goToRegion();
    } else {
      this.fitWidth();
    }
  };

  Viewer.prototype.centre = function () {
    var view = this.size();
    return {
      x: (view.w / 2 - this.tx) / (this.baseWidth * this.scale),
      y: (view.h / 2 - this.ty) / (this.baseWidth * this.ratio * this.scale)
    };
  };

  Viewer.prototype.apply = function () {
    var view = this.size();
    var width = this.baseWidth * this.scale, height = width * this.ratio;
    this.tx = width <= view.w ? (view.w - width) / 2 : clamp(this.tx, view.w - width, 0);
    this.ty = height <= view.h ? (view.h - height) / 2 : clamp(this.ty, view.h - height, 0);
    this.stage.style.transform = "translate(" + this.tx + "px, " + this.ty + "px) scale(" + this.scale + ")";
    this.root.dataset.scale = this.scale.toFixed(3);
    if (this.level) { this.level.textContent = Math.round(this.scale * 100) + "%"; }
    if (!this.mark.hidden && this.region) { placeBox(this.mark, this.region, this.scale); }
    var self = this;
    this.others.forEach(function (mark) {
      var box = parseBox(mark.dataset.box);
      if (box) { placeBox(mark, box, self.scale); }
    });
    this.sharpen();
  };

  // Swaps in the large image once the web image would be magnified on screen.
  Viewer.prototype.sharpen = function () {
    var source = this.root.dataset.zoomSrc;
    if (this.hiresRequested || !source || !this.image.naturalWidth) { return; }
    var shown = this.baseWidth * this.scale * (window.devicePixelRatio || 1);
    if (shown <= this.image.naturalWidth * 1.1) { return; }
    this.hiresRequested = true;
    var image = this.image, large = new Image();
    large.onload = function () { image.src = source; };
    large.src = source;
  };

  Viewer.prototype.zoomAt = function (factor, x, y) {
    var scale = clamp(this.scale * factor, this.minScale(), MAX_SCALE);
    this.tx = x - (x - this.tx) * scale / this.scale;
    this.ty = y - (y - this.ty) * scale / this.scale;
    this.scale = scale;
    this.apply();
  };

  Viewer.prototype.zoomCentre = function (factor) {
    var view = this.size();
    this.zoomAt(factor, view.w / 2, view.h / 2);
  };

  Viewer.prototype.fitWidth = function () {
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    this.apply();
  };

  Viewer.prototype.fitPage = function () {
    this.scale = this.minScale();
    this.apply();
  };

  Viewer.prototype.goToRegion = function () {
    var box = this.region;
    if (!box) { return; }
    var view = this.size(), width = this.baseWidth, height = width * this.ratio;
    var fitting = Math.min(view.w / (box.w * width), view.h / (box.h * height)) * 0.92;
    this.scale = clamp(fitting, this.minScale(), MAX_SCALE);
    this.tx = view.w / 2 - (box.x + box.w / 2) * width * this.scale;
    this.ty = view.h / 2 - (box.y + box.h / 2) * height * this.scale;
    this.apply();
  };

  Viewer.prototype.pointer = function (event) {
    var rect = this.viewport.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  // A viewport point as fractions of the page.
  Viewer.prototype.onPage = function (point) {
    return {
      x: clamp((point.x - this.tx) / (this.baseWidth * this.scale), 0, 1),
      y: clamp((point.y - this.ty) / (this.baseWidth * this.ratio * this.scale), 0, 1)
    };
  };

  Viewer.prototype.down = function (event) {
    if (event.button !== 0 || event.target.closest("a")) { return; }
    this.viewport.focus({ preventScroll: true });
    var point = this.pointer(event);
    this.gesture = { x: point.x, y: point.y, start: this.drawing ? this.onPage(point) : null };
    this.viewport.setPointerCapture(event.pointerId);
    event.preventDefault();
  };

  Viewer.prototype.move = function (event) {
    if (!this.gesture) { return; }
    var point = this.pointer(event);
    if (this.gesture.start) {
      this.showMark(this.boxFrom(this.gesture.start, this.onPage(point)));
    } else {
      this.tx += point.x - this.gesture.x;
      this.ty += point.y - this.gesture.y;
      this.gesture.x = point.x;
      this.gesture.y = point.y;
      this.apply();
    }
  };

  Viewer.prototype.up = function (event) {
    var gesture = this.gesture;
    this.gesture = null;
    if (!gesture || !gesture.start) { return; }
    var box = this.boxFrom(gesture.start, this.onPage(this.pointer(event)));
    this.setDrawing(false);
    if (box.w < MIN_REGION || box.h < MIN_REGION) {
      this.showMark(this.region);
      return;
    }
    this.propose(box);
  };

  Viewer.prototype.boxFrom = function (a, b) {
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  };

  Viewer.prototype.showMark = function (box) {
    if (!box) {
      this.mark.hidden = true;
      return;
    }
    this.mark.hidden = false;
    placeBox(this.mark, box, this.scale);
  };

  // A new rectangle, not yet saved: the panel's form picks it up.
  Viewer.prototype.propose = function (box) {
    this.region = box;
    this.showMark(box);
    if (this.regionButton) { this.regionButton.hidden = false; }
    this.root.dispatchEvent(new CustomEvent("scan-region", {
      bubbles: true,
      detail: { scan: this.root.dataset.scan, box: box }
    }));
  };

  Viewer.prototype.useView = function () {
    var view = this.size();
    var a = this.onPage({ x: 0, y: 0 }), b = this.onPage({ x: view.w, y: view.h });
    this.propose(this.boxFrom(a, b));
  };

  Viewer.prototype.setDrawing = function (on) {
    this.drawing = on;
    this.root.classList.toggle("is-drawing", on);
    if (this.drawButton) { this.drawButton.setAttribute("aria-pressed", on ? "true" : "false"); }
  };

  Viewer.prototype.act = function (action) {
    if (action === "zoom-in") { this.zoomCentre(STEP); }
    else if (action === "zoom-out") { this.zoomCentre(1 / STEP); }
    else if (action === "fit") { this.fitPage(); }
    else if (action === "width") { this.fitWidth(); }
    else if (action === "region") { this.goToRegion(); }
    else if (action === "draw" && this.drawButton) { this.setDrawing(!this.drawing); }
    else if (action === "use-view" && this.drawButton) { this.useView(); }
  };

  Viewer.prototype.key = function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var step = event.shiftKey ? PAN_STEP * 4 : PAN_STEP;
    var keys = {
      "+": ["zoom-in"], "=": ["zoom-in"], "-": ["zoom-out"], "_": ["zoom-out"],
      "0": ["fit"], "w": ["width"], "W": ["width"], "r": ["region"], "R": ["region"],
      "d": ["draw"], "D": ["draw"], "v": ["use-view"], "V": ["use-view"],
      "ArrowLeft": [null, step, 0], "ArrowRight": [null, -step, 0],
      "ArrowUp": [null, 0, step], "ArrowDown": [null, 0, -step]
    };
    if (event.key === "Escape" && this.drawing) {
      this.setDrawing(false);
      event.preventDefault();
      return;
    }
    var entry = keys[event.key];
    if (!entry) { return; }
    event.preventDefault();
    if (entry[0]) {
      this.act(entry[0]);
    } else {
      this.tx += entry[1];
      this.ty += entry[2];
      this.apply();
    }
  };

  Viewer.prototype.saved = function (box) {
    this.region = box;
    this.showMark(box);
    if (this.regionButton) { this.regionButton.hidden = !box; }
  };

  // The correction screen's panel: page switcher and the region form (saved by fetch,
  // so unsaved text in the correction form is never lost).
  function Panel(panel, viewers) {
    var form = panel.querySelector("[data-scan-region-form]");
    var status = form && form.querySelector(".scan-region-status");
    var save = form && form.querySelector("[data-region-save]");
    var clear = form && form.querySelector("[data-region-clear]");
    var switches = Array.prototype.slice.call(panel.querySelectorAll("[data-show-scan]"));

    function viewerFor(id) {
      return viewers.filter(function (v) { return v.root.dataset.scan === String(id); })[0];
    }

    switches.forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.dataset.showScan;
        viewers.forEach(function (v) { v.root.hidden = v.root.dataset.scan !== id; });
        switches.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
        var shown = viewerFor(id);
        if (shown) { shown.layout(); }
      });
    });
    if (!form) { return; }

    panel.addEventListener("scan-region", function (event) {
      var box = event.detail.box;
      form.elements.scan.value = event.detail.scan;
      form.elements.x.value = box.x.toFixed(6);
      form.elements.y.value = box.y.toFixed(6);
      form.elements.w.value = box.w.toFixed(6);
      form.elements.h.value = box.h.toFixed(6);
      save.disabled = false;
      status.textContent = "已框选新位置，尚未保存：点击“保存文章位置”。";
    });

    form.addEventListener("submit", function (event) {
      if (!window.fetch) { return; }
      event.preventDefault();
      var data = new FormData(form);
      var action = event.submitter ? event.submitter.value : "save";
      data.set("action", action);
      save.disabled = true;
      status.textContent = "正在保存……";
      // form.action would be the buttons named "action"; the attribute is the URL.
      fetch(form.getAttribute("action"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        status.textContent = result.body.message;
        if (!result.ok) {
          save.disabled = action !== "save";
          return;
        }
        var region = result.body.region;
        viewers.forEach(function (v) {
          v.saved(region && v.root.dataset.scan === String(region.scan) ? parseBox(region.box) : null);
        });
        if (clear) { clear.hidden = !region; }
        panel.dataset.saved = region ? "region" : "none";
      }).catch(function () {
        save.disabled = false;
        status.textContent = "保存失败（网络或会话问题），请重试。";
      });
    });
  }

  function start() {
    var viewers = Array.prototype.slice.call(document.querySelectorAll(".scan-viewer")).map(function (root) {
      return new Viewer(root);
    });
    Array.prototype.slice.call(document.querySelectorAll("[data-scan-panel]")).forEach(function (panel) {
      Panel(panel, viewers.filter(function (v) { return panel.contains(v.root); }));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
