// Confirmation before destructive or locking actions, without inline script (CSP).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  // htmx forms ask through hx-confirm; plain forms ask here.
  if (question && !form.hasAttribute("hx-post") && !window.confirm(question)) {
    event.preventDefault();
  }
});


// Warn before leaving a page with typed but unsaved input. Inside [data-warn-unsaved], a form
// is unsaved when a field differs from what the page loaded with, or when the server sent it
// back refused (data-unsaved: what it shows was typed, not stored).
function changed(form) {
  if (form.hasAttribute("data-unsaved")) return true;
  return Array.prototype.some.call(form.elements, function (el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.type === "file") return el.files && el.files.length > 0;
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return "defaultValue" in el && el.type !== "hidden" && el.value !== el.defaultValue;
  });
}

var leaving = false;  // a form of the page itself is being sent: not "leaving with input"
document.addEventListener("submit", function (event) {
  if (!event.defaultPrevented && !event.target.hasAttribute("hx-post")) leaving = true;
});

window.addEventListener("beforeunload", function (event) {
  if (leaving) return;
  var forms = document.querySelectorAll("[data-warn-unsaved] form");
  if (Array.prototype.some.call(forms, changed)) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// The public forms' challenge: a new one in place, so nothing typed is lost by a reload.
document.addEventListener("click", function (event) {
  var button = event.target.closest("#challenge-refresh");
  if (!button) return;
  var status = document.getElementById("challenge-status");
  button.disabled = true;
  fetch(button.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    })
    .then(function (result) {
      if (!result.ok) throw new Error(result.body.detail || "暂时无法换题");
      var svg = new DOMParser().parseFromString(result.body.svg, "image/svg+xml").documentElement;
      document.getElementById("challenge-picture").replaceChildren(document.importNode(svg, true));
      document.getElementById("challenge-token").value = result.body.token;
      var audio = document.getElementById("challenge-audio");
      if (audio && result.body.audio_url) {
        audio.src = result.body.audio_url;
        document.getElementById("challenge-audio-link").href = result.body.audio_url;
      }
      var answer = document.getElementById("f-challenge_answer");
      answer.value = "";
      answer.focus();
      status.textContent = "已换一题，请重新计算。";
    })
    .catch(function (error) {
      status.textContent = error.message + "。如无法完成验证，请按页面底部受理机关的电话或地址，通过电话或来访方式提交。";
    })
    .finally(function () { button.disabled = false; });
});

// A register's proposed value beside a scoring item: "采用建议分" puts it into the item's input;
// the user still saves (and says why in 自评说明 when saving something else).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-adopt]");
  if (!button) return;
  var input = document.getElementById(button.getAttribute("data-adopt"));
  if (!input) return;
  input.value = button.getAttribute("data-value");
  input.focus();
  var status = document.getElementById("adopt-status-" + button.getAttribute("data-code"));
  if (status) status.textContent = "已填入建议值 " + input.value + "，请核对后保存。";
});
