// A stand-in for tiun's browser snippet, served by tiun_client::test_util::FakeTiun at
// {base}/snippet.js. It is NOT tiun's snippet: it only renders a "Pay with tiun" button and
// posts the same window messages tiun's snippet does, so a page's paywall logic can be clicked
// through against the fake, without an account and without the network.
//
// <div id="paywall"></div>
// <script src="{base}/snippet.js" data-tiun-target="paywall"></script>
(function () {
  "use strict";
  var base = __TIUN_FAKE_BASE__;
  var script = document.currentScript;
  var targetId = (script && script.getAttribute("data-tiun-target")) || "tiun-paywall";
  var sessionId = null;

  function post(content) {
    window.postMessage({ type: "TIUN_EVENT", content: content, sessionId: sessionId }, "*");
  }

  function control(path) {
    return fetch(base + path, { method: "POST" }).then(function (response) {
      if (!response.ok) {
        throw new Error("the fake tiun answered " + response.status);
      }
      return response.status === 204 ? null : response.json();
    });
  }

  function button(text, name) {
    var element = document.createElement("button");
    element.type = "button";
    element.textContent = text;
    element.setAttribute("data-tiun", name);
    return element;
  }

  function render() {
    var target = document.getElementById(targetId);
    if (!target) {
      return;
    }
    var pay = button("Pay with tiun", "pay");
    var end = button("End session", "end");
    end.hidden = true;
    pay.addEventListener("click", function () {
      control("fake/sessions").then(function (answer) {
        sessionId = answer.sessionId;
        pay.hidden = true;
        end.hidden = false;
        post("TIUN_HIDE_PAYWALL");
      });
    });
    end.addEventListener("click", function () {
      control("fake/sessions/" + encodeURIComponent(sessionId) + "/end").then(function () {
        sessionId = null;
        end.hidden = true;
        pay.hidden = false;
        post("TIUN_SHOW_PAYWALL");
      });
    });
    target.appendChild(pay);
    target.appendChild(end);
    post("TIUN_SNIPPET_INITIALIZED");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
