// Keyboard and screen-reader users after an htmx save or upload (WCAG 2.4.3, 4.1.3).
// The edited item is replaced by the server's new rendering, which would drop focus to
// <body>: focus goes back to the first field refused, else to the control that was used
// (ids are stable across renderings), else to the item itself. What the server says
// happened ([data-announce] or a role=status note inside the item) is repeated in the
// page's status region, which stays in the page and is therefore announced.
(function () {
  var pending = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    pending = {
      control: active && active.id ? active.id : "",
      target: target && target.id ? target.id : "",
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    var memo = pending;
    pending = null;
    var item = memo && memo.target && document.getElementById(memo.target);
    if (!item) {
      return;
    }
    var control = memo.control && document.getElementById(memo.control);
    var to = item.querySelector("[aria-invalid=true]") || (control && item.contains(control) ? control : null);
    if (!to) {
      item.setAttribute("tabindex", "-1");
      to = item;
    }
    to.focus();
    var region = document.getElementById("live-status");
    var note = item.querySelector("[data-announce], [role=status]");
    if (region) {
      region.textContent = "";
      if (note) {
        // a fresh text node after a pause, so the same words are announced again
        window.setTimeout(function () {
          region.textContent = note.textContent.trim();
        }, 100);
      }
    }
  });
})();
