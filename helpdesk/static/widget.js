/* Nahbar chat widget: no build step, no framework, nothing stored before the customer writes.
 * Embed: <script src="https://HOST/widget/vendor/socket.io.min.js"></script>
 *        <script src="https://HOST/widget/widget.js" data-server="https://HOST" data-days="30"
 *                data-keep-bot="30" data-keep-people="180"></script>
 * data-keep-*: the server's retention periods in days (NAHBAR_KEEP_*), told to the customer.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var server = (script && script.getAttribute("data-server")) || window.location.origin;
  var days = Number((script && script.getAttribute("data-days")) || 30);
  var keepBot = Number((script && script.getAttribute("data-keep-bot")) || 30);
  var keepPeople = Number((script && script.getAttribute("data-keep-people")) || 180);
  var STORAGE_KEY = "nahbar.session";
  var LANG_KEY = "nahbar.lang";
  // Both languages' texts, filled in by the server from its catalogs when it serves this file
  // (/widget/widget.js); served elsewhere without them, the widget speaks English.
  var CATALOGS = /*NAHBAR_TEXTS*/null;
  function chosenLanguage() {
    try { var kept = window.localStorage.getItem(LANG_KEY); if (kept === "de" || kept === "en") return kept; } catch (e) { /* blocked */ }
    return (navigator.language || "en").slice(0, 2) === "de" ? "de" : "en";
  }
  var lang = chosenLanguage();
  function fill(text, values) {  // "{name}" placeholders; one left without a value stays for later
    return text.replace(/\{(\w+)\}/g, function (whole, key) { return values && key in values ? String(values[key]) : whole; });
  }
  function _(message, values) {
    return fill((CATALOGS && CATALOGS[lang] && CATALOGS[lang][message]) || message, values);
  }
  function texts() {
    return {
      title: _("Chat with us"), placeholder: _("Type your question…"), send: _("Send"), open: _("Chat"),
      switchTo: lang === "de" ? "EN" : "DE", switchLabel: _("Switch to English or German"),
      privacy: _("Your messages are stored on our server to answer you: chats with the bot for {keepBot} days after your last message, chats with our team for {keepPeople} days; then they are deleted. Once you write, this browser keeps a chat id for {days} days so you can continue later.",
                 { keepBot: keepBot, keepPeople: keepPeople, days: days }),
      download: _("Download this chat"), erase: _("Delete this chat"),
      confirmErase: _("Delete this chat for good? Everything you and we wrote in it is erased from our systems, and this browser forgets it."),
      yesErase: _("Yes, delete"), cancel: _("Cancel"), erased: _("This chat is deleted: nothing of it is kept. You can start a new one any time."),
      eraseFailed: _("The chat could not be deleted just now; please try again."),
      downloadFailed: _("The chat could not be downloaded just now; please try again."),
      noChat: _("No chat of this browser is stored with us any more. If you wrote to us earlier, ask us to erase it and quote its reference number."),
      error: _("Could not send: {reason}"), agent: _("Support"), waiting: _("Waiting for our team"), position: _("you're number {n} in the queue"),
      wait: _("about {m} min"), withAgent: _("You're chatting with {name}"), typing: _("{name} is typing…"),
      offline: _("Leave us a message"), email: _("Your e-mail address"), message: _("Your message"), leave: _("Send message"),
      left: _("Your message is with our team; we'll answer by e-mail."), sending: _("sending…"), retrying: _("not sent yet, trying again…"),
      reconnecting: _("Connection lost — reconnecting…"),
      busy: _("Many customers are writing right now — {n} ahead of you. You'll get your answer here."),
      next: _("Many customers are writing right now — you're next."), thinking: "…",
      rate: _("How did we do?"), stars: _("{n} of 5 stars"), comment: _("Anything you'd like to add? (optional)"),
      skip: _("Skip"), thanks: _("Thank you for your rating!")
    };
  }
  var T = texts();

  function stored() {
    try {
      var raw = window.localStorage.getItem(STORAGE_KEY);
      if (!raw) return null;
      var item = JSON.parse(raw);
      if (!item.token || item.expires < Date.now()) { window.localStorage.removeItem(STORAGE_KEY); return null; }
      return item.token;
    } catch (e) { return null; }
  }
  function remember(token) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: token, expires: Date.now() + days * 864e5 }));
    } catch (e) { /* storage blocked: the chat still works for this page view */ }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // Text is always inserted as text; only http(s) URLs become links.
  function linkify(container, text) {
    var parts = String(text).split(/(https?:\/\/[^\s<>"]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = el("a", null, part);
        a.href = part; a.target = "_blank"; a.rel = "noopener noreferrer";
        container.appendChild(a);
      } else if (part) {
        container.appendChild(document.createTextNode(part));
      }
    });
  }

  var root = el("div", "nahbar-widget");
  var toggle = el("button", "nahbar-toggle");
  toggle.setAttribute("aria-expanded", "false");
  var panel = el("section", "nahbar-panel");
  panel.hidden = true;
  var header = el("header", "nahbar-header");
  var headerTitle = el("span", "nahbar-title");
  var languageButton = el("button", "nahbar-language"); languageButton.type = "button";
  header.appendChild(headerTitle); header.appendChild(languageButton);
  var log = el("div", "nahbar-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var privacy = el("p", "nahbar-privacy");
  var form = el("form", "nahbar-form");
  var input = el("input", "nahbar-input");
  input.type = "text"; input.maxLength = 2000;
  var send = el("button", "nahbar-send");
  send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  var status = el("p", "nahbar-status"); status.hidden = true; status.setAttribute("role", "status");
  var typingLine = el("p", "nahbar-typing"); typingLine.hidden = true;
  var offlineForm = el("form", "nahbar-offline"); offlineForm.hidden = true;
  var offlineTitle = el("strong");
  var emailInput = el("input", "nahbar-email"); emailInput.type = "email"; emailInput.required = true; emailInput.maxLength = 254;
  var messageInput = el("textarea", "nahbar-offline-text"); messageInput.required = true; messageInput.rows = 3; messageInput.maxLength = 2000;
  var leave = el("button", "nahbar-send"); leave.type = "submit";
  offlineForm.appendChild(offlineTitle); offlineForm.appendChild(emailInput); offlineForm.appendChild(messageInput); offlineForm.appendChild(leave);
  panel.appendChild(header); panel.appendChild(status); panel.appendChild(log); panel.appendChild(typingLine);
  var tools = el("div", "nahbar-tools");
  var downloadButton = el("button", "nahbar-download"); downloadButton.type = "button";
  var eraseButton = el("button", "nahbar-erase"); eraseButton.type = "button";
  tools.appendChild(downloadButton); tools.appendChild(eraseButton);
  var confirmBox = el("div", "nahbar-confirm"); confirmBox.hidden = true; confirmBox.setAttribute("role", "alertdialog");
  var confirmText = el("p");
  var confirmYes = el("button", "nahbar-confirm-yes"); confirmYes.type = "button";
  var confirmNo = el("button", "nahbar-confirm-no"); confirmNo.type = "button";
  confirmBox.appendChild(confirmText); confirmBox.appendChild(confirmYes); confirmBox.appendChild(confirmNo);
  // "How did we do?" once an agent resolved the chat: five labelled star buttons, an optional
  // comment, Send and Skip. Asked once per resolved handoff: the server stores a rating and a
  // skip alike, so a reload or another tab does not ask again.
  var rateBox = el("form", "nahbar-rating"); rateBox.hidden = true;
  var rateTitle = el("strong"); rateTitle.id = "nahbar-rate-title";
  rateBox.setAttribute("aria-labelledby", rateTitle.id);
  var starRow = el("div", "nahbar-stars"); starRow.setAttribute("role", "group"); starRow.setAttribute("aria-labelledby", rateTitle.id);
  var starButtons = [1, 2, 3, 4, 5].map(function (n) {
    var b = el("button", "nahbar-star", "★"); b.type = "button"; b.value = String(n);
    b.setAttribute("aria-pressed", "false");
    starRow.appendChild(b);
    return b;
  });
  var rateComment = el("textarea", "nahbar-rate-comment"); rateComment.rows = 2; rateComment.maxLength = 1000;
  var rateSend = el("button", "nahbar-send"); rateSend.type = "submit"; rateSend.disabled = true;
  var rateSkip = el("button", "nahbar-rate-skip"); rateSkip.type = "button";
  var rateError = el("p", "nahbar-rate-error"); rateError.setAttribute("role", "alert");
  var rateActions = el("div", "nahbar-rate-actions"); rateActions.appendChild(rateSend); rateActions.appendChild(rateSkip);
  rateBox.appendChild(rateTitle); rateBox.appendChild(starRow); rateBox.appendChild(rateComment);
  rateBox.appendChild(rateActions); rateBox.appendChild(rateError);
  panel.appendChild(rateBox);
  panel.appendChild(offlineForm); panel.appendChild(privacy); panel.appendChild(tools); panel.appendChild(confirmBox);
  panel.appendChild(form);
  root.appendChild(panel); root.appendChild(toggle);

  // The status line is kept as how to say it, so a language switch says it again.
  var statusText = null;
  function showStatus(text) {
    statusText = text;
    status.textContent = text();
    status.hidden = !status.textContent;
  }

  // Every fixed text, in the chosen language (again after a switch).
  function relabel() {
    T = texts();
    root.setAttribute("lang", lang);
    toggle.textContent = T.open; panel.setAttribute("aria-label", T.title); headerTitle.textContent = T.title;
    languageButton.textContent = T.switchTo; languageButton.setAttribute("aria-label", T.switchLabel);
    privacy.textContent = T.privacy; send.textContent = T.send;
    input.placeholder = T.placeholder; input.setAttribute("aria-label", T.placeholder);
    offlineTitle.textContent = T.offline; leave.textContent = T.leave;
    emailInput.placeholder = T.email; emailInput.setAttribute("aria-label", T.email);
    messageInput.placeholder = T.message; messageInput.setAttribute("aria-label", T.message);
    downloadButton.textContent = T.download; eraseButton.textContent = T.erase;
    confirmText.textContent = T.confirmErase; confirmYes.textContent = T.yesErase; confirmNo.textContent = T.cancel;
    rateTitle.textContent = T.rate; rateSend.textContent = T.send; rateSkip.textContent = T.skip;
    rateComment.placeholder = T.comment; rateComment.setAttribute("aria-label", T.comment);
    starButtons.forEach(function (b) { b.setAttribute("aria-label", fill(T.stars, { n: b.value })); });
    if (statusText && !status.hidden) status.textContent = statusText();
    (pending || []).forEach(function (item) { if (item.label) item.label.textContent = T[item.labelKey]; });  // none at the first call
  }
  relabel();
  document.body.appendChild(root);

  var socket = null;
  var token = null;
  var hasWritten = !!stored();
  var seen = {};            // message ids already shown: a message arrives once, live or in the history
  var lastId = null;        // the newest message id from the server: after a reconnect, only what came later is sent
  var pending = [];         // messages the server has not acknowledged yet: resent after a reconnect
  var ready = false;        // this connection's session is confirmed: messages may go out
  var RETRY = { unavailable: 1, no_session: 1, session_mismatch: 1 };  // not stored: sent again, not failed
  var handoffState = "bot";
  var rating = { handoff: null, stars: 0 };  // the resolved handoff being asked about

  function bubble(sender, message) {
    if (message.id !== undefined) {
      if (lastId === null || message.id > lastId) lastId = message.id;
      if (seen[message.id]) return null;
      seen[message.id] = true;
    }
    var item = el("div", "nahbar-msg nahbar-" + sender);
    if (sender === "agent") item.appendChild(el("span", "nahbar-who", message.agent_name || T.agent));
    if (message.text) linkify(item, message.text);
    var replies = message.quick_replies || [];
    if (replies.length) {
      var row = el("div", "nahbar-buttons");
      replies.forEach(function (reply) {
        var b = el("button", "nahbar-button", reply.title);
        b.type = "button";
        b.addEventListener("click", function () { say(reply.payload, reply.title); });
        row.appendChild(b);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  // A Rasa `bot_uttered` frame, with what Nahbar adds in its metadata.
  function fromServer(frame) {
    var meta = frame.metadata || {};
    var message = {};
    for (var key in frame) { if (key !== "metadata") message[key] = frame[key]; }
    message.id = meta.id; message.sender = meta.sender; message.agent_name = meta.agent_name;
    return message;
  }

  // A message whose acknowledgement was lost comes back in the history: it is the bubble
  // already shown as "sending…", not a new one.
  function adoptPending(message) {
    for (var i = 0; i < pending.length; i++) {
      if (!pending[i].adopted && pending[i].text === message.text) {
        pending[i].adopted = true;
        seen[message.id] = true;
        if (lastId === null || message.id > lastId) lastId = message.id;
        return true;
      }
    }
    return false;
  }

  function newClientId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Sent with an acknowledgement; until it comes the bubble says "sending…". A resend after a
  // reconnect carries the same client id, so the server stores the message once.
  function transmit(item) {
    if (!socket || !socket.connected || !token || !ready) return;  // sent after the next session_confirm
    socket.emit("user_uttered", { message: item.text, session_id: token, client_id: item.clientId,
                                  customData: { language: lang } }, function (ack) {
      var index = pending.indexOf(item);
      if (index < 0) return;
      if (ack && RETRY[ack.error]) {  // not stored (its database gone for a moment, a session not yet bound)
        if (item.label) { item.labelKey = "retrying"; item.label.textContent = T.retrying; }
        setTimeout(function () { if (pending.indexOf(item) >= 0) transmit(item); }, 3000);
        return;
      }
      pending.splice(index, 1);
      if (item.label && item.label.parentNode) item.label.parentNode.removeChild(item.label);
      if (ack && ack.error) { if (item.node) item.node.className += " nahbar-failed"; return; }
      if (ack && ack.id !== undefined) { seen[ack.id] = true; if (lastId === null || ack.id > lastId) lastId = ack.id; }
      if ((!ack || !ack.duplicate) && handoffState === "bot") { typingLine.textContent = T.thinking; typingLine.hidden = false; }
    });
  }

  function connect() {
    if (socket) return;
    socket = window.io(server, { path: "/socket.io", transports: ["websocket", "polling"] });
    socket.on("disconnect", function () {
      ready = false;
      showStatus(function () { return T.reconnecting; }); status.setAttribute("data-reconnecting", "1");
    });
    socket.on("connect", function () {
      if (status.getAttribute("data-reconnecting")) { status.removeAttribute("data-reconnecting"); status.hidden = true; }
      var request = { session_id: token || stored(), customData: { language: lang } };
      if (lastId !== null) request.last_id = lastId;
      socket.emit("session_request", request);
    });
    socket.on("session_confirm", function (data) {
      var confirmed = (data && data.session_id) || data;
      if (token && confirmed !== token) lastId = null;  // the old chat expired: unsent messages go to the new one
      token = confirmed;
      ready = true;
      if (hasWritten) remember(token);
      pending.slice().forEach(transmit);
    });
    socket.on("history", function (data) {
      var full = data.after === undefined;  // everything, drawn anew; else only what came after last_id
      if (full) { log.textContent = ""; seen = {}; }
      (data.messages || []).forEach(function (m) {
        var mine = m.sender === "customer" && adoptPending(m);
        if (mine && !full) return;  // already on screen as "sending…"
        if (mine) delete seen[m.id];
        bubble(kind(m.sender), m);
      });
      if (full) pending.forEach(function (item) { if (!item.adopted && item.node) log.appendChild(item.node); });
    });
    socket.on("bot_uttered", function (frame) {
      var message = fromServer(frame);
      if (message.sender !== "agent") typingLine.hidden = true;
      bubble(kind(message.sender), message);
    });
    socket.on("queued", function (data) {
      showStatus(function () { return data.ahead > 0 ? fill(T.busy, { n: data.ahead }) : T.next; });
    });
    socket.on("message_handled", function () {
      if (handoffState === "bot") { status.hidden = true; typingLine.hidden = true; }
    });
    socket.on("message_error", function (error) {
      if (!RETRY[error.code]) bubble("error", { text: fill(T.error, { reason: error.message }) });  // those are sent again
    });
    socket.on("handoff", showHandoff);
    socket.on("agent_typing", function (data) {
      typingLine.textContent = fill(T.typing, { name: data.agent_name || T.agent });
      typingLine.hidden = !data.typing;
    });
    socket.on("message_stored", function (message) { bubble("customer", message); });
    socket.on("chat_erased", forgetChat);  // erased here, in another tab, or by our staff on request
    socket.on("rating_stored", ratingDone);  // answered here or in another tab
  }

  function askRating(handoffId) {
    if (rating.handoff === handoffId) return;
    rating = { handoff: handoffId, stars: 0 };
    starButtons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    rateComment.value = ""; rateError.textContent = ""; rateSend.disabled = true;
    rateBox.hidden = false;
  }
  function ratingDone(data) {
    if (!data || data.handoff_id !== rating.handoff) return;
    rateBox.hidden = true;
    if (!data.skipped) showStatus(function () { return T.thanks; });
  }
  function answerRating(answer) {
    if (!socket || !token || rating.handoff === null) return;
    answer.handoff_id = rating.handoff; answer.session_id = token;
    rateSend.disabled = rateSkip.disabled = true;
    socket.emit("chat_rating", answer, function (ack) {
      rateSkip.disabled = false; rateSend.disabled = !rating.stars;
      if (ack && ack.error === "already_rated") { rateBox.hidden = true; return; }  // answered in another tab
      if (ack && ack.error) { rateError.textContent = ack.message; return; }
      ratingDone(ack);
    });
  }
  starButtons.forEach(function (b) {
    b.addEventListener("click", function () {
      rating.stars = Number(b.value);
      starButtons.forEach(function (other) { other.setAttribute("aria-pressed", String(Number(other.value) <= rating.stars)); });
      rateSend.disabled = false;
    });
  });
  rateBox.addEventListener("submit", function (event) {
    event.preventDefault();
    if (rating.stars) answerRating({ stars: rating.stars, comment: rateComment.value });
  });
  rateSkip.addEventListener("click", function () { answerRating({ skip: true }); });

  // The chat's own tools: the customer's copy of it, and its erasure (GDPR Art. 15, 17).
  // The session token goes in a header, never in a URL.
  function chatRequest(method, path, body) {
    return window.fetch(server + path, {
      method: method, headers: { "X-Nahbar-Session": token || stored() || "", "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : undefined
    });
  }
  function updateTools() { tools.hidden = !hasWritten; }
  function forgetChat(_event, notice) {
    var had = token;  // the erase's own answer and its event both arrive here: ask for a new session once
    try { window.localStorage.removeItem(STORAGE_KEY); } catch (e) { /* storage blocked: nothing kept there */ }
    hasWritten = false; lastId = null; seen = {}; pending = []; handoffState = "bot";
    log.textContent = ""; typingLine.hidden = true; offlineForm.hidden = true; confirmBox.hidden = true;
    rateBox.hidden = true; rating = { handoff: null, stars: 0 };
    showStatus(function () { return T[notice || "erased"]; });
    updateTools();
    if (had && socket && socket.connected) { ready = false; token = null; socket.emit("session_request", { session_id: null, customData: { language: lang } }); }
  }
  downloadButton.addEventListener("click", function () {
    chatRequest("GET", "/api/chat/transcript").then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.blob().then(function (blob) {
        var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
        var a = el("a"); a.href = URL.createObjectURL(blob); a.download = match ? match[1] : "chat.txt";
        document.body.appendChild(a); a.click(); document.body.removeChild(a);
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      });
    }).catch(function () { showStatus(function () { return T.downloadFailed; }); });
  });
  eraseButton.addEventListener("click", function () { confirmBox.hidden = false; confirmYes.focus(); });
  confirmNo.addEventListener("click", function () { confirmBox.hidden = true; });
  confirmYes.addEventListener("click", function () {
    confirmBox.hidden = true;
    chatRequest("POST", "/api/chat/erase", { confirm: true }).then(function (response) {
      if (response.ok) forgetChat();
      else if (response.status === 404) forgetChat(null, "noChat");  // this browser's chat is not ours to find any more
      else showStatus(function () { return T.eraseFailed; });
    }).catch(function () { showStatus(function () { return T.eraseFailed; }); });
  });

  function kind(sender) { return { customer: "customer", agent: "agent", system: "system" }[sender] || "bot"; }

  languageButton.addEventListener("click", function () {
    lang = lang === "de" ? "en" : "de";
    try { window.localStorage.setItem(LANG_KEY, lang); } catch (e) { /* blocked: switched for this page view */ }
    relabel();
  });

  function handoffText(data) {
    if (data.state === "waiting") {
      return T.waiting + " (#" + data.reference + ")" + (data.position ? " · " + fill(T.position, { n: data.position }) : "") +
        (data.wait_seconds ? " · " + fill(T.wait, { m: Math.max(1, Math.round(data.wait_seconds / 60)) }) : "");
    } else if (data.state === "agent") {
      return fill(T.withAgent, { name: data.agent_name || T.agent });
    } else if (data.state === "offline") {
      return data.contact_left ? T.left : T.offline + " (#" + data.reference + ")";
    }
    return "";
  }

  function showHandoff(data) {
    handoffState = data.state;
    showStatus(function () { return handoffText(data); });
    offlineForm.hidden = !(data.state === "offline" && !data.contact_left);
    if (data.state !== "agent") typingLine.hidden = true;
    if (data.state === "resolved" && data.rating) askRating(data.rating.handoff_id);
  }

  var typingSentAt = 0, typingTimer = null;
  function typing(on) {
    if (!socket || !token || handoffState !== "agent") return;
    socket.emit("customer_typing", { typing: on, session_id: token });
  }

  function say(text, shown) {
    text = String(text || "").trim();
    if (!text || !socket) return;  // before the session is confirmed it waits in `pending`, sent on session_confirm
    if (!hasWritten) { hasWritten = true; if (token) remember(token); updateTools(); }
    var item = { text: text, clientId: newClientId() };
    item.node = bubble("customer", { text: shown || text });
    item.labelKey = "sending";
    item.label = el("span", "nahbar-sending", T.sending);
    if (item.node) item.node.appendChild(item.label);
    pending.push(item);
    transmit(item);
  }

  toggle.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) { connect(); input.focus(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say(input.value);
    input.value = "";
    clearTimeout(typingTimer); if (typingSentAt) { typing(false); typingSentAt = 0; }
  });
  input.addEventListener("input", function () {
    if (Date.now() - typingSentAt > 2000) { typing(true); typingSentAt = Date.now(); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing(false); typingSentAt = 0; }, 3000);
  });
  offlineForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!socket || !token) return;
    if (!hasWritten) { hasWritten = true; remember(token); updateTools(); }
    socket.emit("offline_message", { email: emailInput.value, message: messageInput.value, session_id: token });
    messageInput.value = "";
  });
  updateTools();
  if (hasWritten) { panel.hidden = false; toggle.setAttribute("aria-expanded", "true"); connect(); }
})();
