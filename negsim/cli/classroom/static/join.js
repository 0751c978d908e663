"use strict";
$("code").value = new URLSearchParams(location.search).get("code") || "";
$("join").addEventListener("submit", async function (event) {
  event.preventDefault();
  try {
    const data = await api("POST", "/api/join", {},
      { name: $("name").value, code: $("code").value });
    location.href = data.page;
  } catch (error) { showError(error.message); }
});
