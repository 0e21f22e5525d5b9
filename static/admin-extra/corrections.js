// Keyboard help on the correction screen: Ctrl/Cmd+S saves, clicking a suggestion selects it in the body.
document.addEventListener("keydown", function (event) {
  if ((event.ctrlKey || event.metaKey) && event.key === "s") {
    var form = document.getElementById("correction-form");
    if (form) { event.preventDefault(); form.requestSubmit(); }
  }
});
document.addEventListener("click", function (event) {
  var item = event.target.closest(".suggestion .sugg-text");
  var body = document.querySelector("textarea[name=body]");
  if (!item || !body) { return; }
  var li = item.closest(".suggestion");
  body.focus();
  body.setSelectionRange(Number(li.dataset.start), Number(li.dataset.end));
});
// Next / previous change in the comparison with the original OCR: buttons, and ] / [ outside text boxes.
(function () {
  var current = -1;
  function changes() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".original-diff ins, .original-diff del"),
      function (el, i, all) { return !(el.tagName === "INS" && el.previousElementSibling === all[i - 1]); }
    );
  }
  function step(by) {
    var all = changes();
    if (!all.length) { return; }
    if (all[current]) { all[current].classList.remove("diff-current"); }
    current = (current + by + all.length) % all.length;
    all[current].classList.add("diff-current");
    all[current].scrollIntoView({ block: "center" });
    var where = document.querySelector(".diff-position");
    if (where) { where.textContent = "第 " + (current + 1) + " / " + all.length + " 处"; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-diff-step]");
    if (button) { step(Number(button.dataset.diffStep)); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "]") { step(1); } else if (event.key === "[") { step(-1); }
  });
})();
