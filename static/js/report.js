/* Error reports: copies the reader's selection in the article into the form's "有误的文字" field.
   The form works without this script; it only saves copying and pasting. */
(function () {
  "use strict";

  var field = document.getElementById("id_selected_text");
  var bar = document.getElementById("selection-bar");
  var barText = document.getElementById("selection-text");
  var barButton = document.getElementById("selection-report");
  var suggestion = document.getElementById("id_suggestion");
  if (!field) {
    return;
  }
  var maxLength = parseInt(field.getAttribute("maxlength") || "500", 10);

  function sourceOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("[data-report-source]") : null;
  }

  function currentSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return null;
    }
    var source = sourceOf(selection.anchorNode);
    // Only text inside one part of the article (title, lede or body) can be matched later.
    if (!source || source !== sourceOf(selection.focusNode)) {
      return null;
    }
    var text = selection.toString().replace(/^\s+|\s+$/g, "");
    if (!text) {
      return null;
    }
    return { text: text, multiParagraph: /\n/.test(text) };
  }

  function showBar(message) {
    if (!bar) {
      return;
    }
    barText.textContent = message;
    bar.hidden = false;
  }

  var pending = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var picked = currentSelection();
      if (!picked) {
        return;
      }
      if (picked.multiParagraph) {
        showBar("请只选一段之内的文字");
        return;
      }
      field.value = picked.text.slice(0, maxLength);
      showBar(field.value);
    }, 150);
  });

  if (barButton) {
    barButton.addEventListener("click", function () {
      bar.hidden = true;
      var report = document.getElementById("report");
      if (report) {
        report.scrollIntoView();
      }
      (suggestion || field).focus();
    });
  }
})();
