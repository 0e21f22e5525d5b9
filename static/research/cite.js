/* The citation box's copy button: shown only where the browser can copy, and it says so when done. */
(function () {
  "use strict";

  function copyBySelection(target) {
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function setUp(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target || button.getAttribute("data-ready")) {
      return;
    }
    var status = button.parentNode.querySelector(".copy-status");
    function report(done) {
      if (status) {
        status.textContent = done ? "已复制到剪贴板。" : "未能自动复制，引文已选中，请按 Ctrl+C 复制。";
      }
    }
    button.hidden = false;
    button.setAttribute("data-ready", "true");
    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { report(true); },
          function () { report(copyBySelection(target)); }
        );
      } else {
        report(copyBySelection(target));
      }
    });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".copy-citation"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
