// Confirmation before destructive or locking actions, without inline script (CSP).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  // htmx forms ask through hx-confirm; plain forms ask here.
  if (question && !form.hasAttribute("hx-post") && !window.confirm(question)) {
    event.preventDefault();
  }
});
