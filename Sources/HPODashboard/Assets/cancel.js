// The experiment page's cancel button. Cancelling is the one thing the dashboard changes, so
// it is offered only with a token (#token=…, the coordinator's --http-token-file) and while the
// experiment has not ended; POST api/experiments/NAME/cancel answers what the coordinator says
// (hpo dashboard over a store file, or a coordinator without a token, refuse it). State in
// <body>: data-cancel ("offered", "sent", "cancelled", "refused").
"use strict";

function cancelButton(name) {
  const button = document.getElementById("cancel");
  const ended = (state) => ["finished", "cancelled", "failed"].includes(state);
  button.addEventListener("click", () => {
    if (!window.confirm("Cancel the experiment \"" + name + "\"? Running trials stop at their next report.")) return;
    button.disabled = true;
    document.body.dataset.cancel = "sent";
    fetch("api/experiments/" + encodeURIComponent(name) + "/cancel", { method: "POST", headers: { Authorization: "Bearer " + token } })
      .then(async (response) => {
        const body = await response.json();
        if (!response.ok) throw new Error(body.error || response.statusText);
        document.body.dataset.cancel = "cancelled";
        setStatus(body.message);
      })
      .catch((error) => {
        document.body.dataset.cancel = "refused";
        button.disabled = false;
        setStatus("Not cancelled: " + error.message, true);
      });
  });
  // Shows or hides the button for the experiment's state now.
  return (state) => {
    button.hidden = !token || ended(state);
    if (!button.hidden && !document.body.dataset.cancel) document.body.dataset.cancel = "offered";
  };
}
