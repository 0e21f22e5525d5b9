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
