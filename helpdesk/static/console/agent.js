/* Nahbar agent console: one socket to /agent, everything rendered as text. */
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.getAttribute("data-csrf");
  var canned = JSON.parse(body.getAttribute("data-canned") || "[]");
  var $ = function (id) { return document.getElementById(id); };
  // This page's language's texts, put in by the server from its catalogs (agent.html).
  var TEXTS = JSON.parse(body.getAttribute("data-texts") || "{}");
  function _(message, values) {
    return (TEXTS[message] || message).replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? String(values[key]) : whole;
    });
  }
  var REASONS = { request: _("asked for a person"), no_answer: _("bot had no answer"), unhelpful: _("answer did not help"),
                  upset: _("upset customer"), safety: _("SAFETY: someone hurt or in danger") };

  var socket = window.io("/agent", { path: "/socket.io", transports: ["websocket"], auth: { csrf: csrf } });
  var current = null;       // the open conversation
  var mine = new Set();     // conversation ids this agent has claimed
  var seen = new Set();     // message ids shown in the open transcript
  var unread = new Set();
  var mails = new Map();    // message id -> the latest word on the e-mail that carries it

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    return seconds < 90 ? Math.round(seconds) + " s" : Math.round(seconds / 60) + " min";
  }
  function clock(iso) { return iso ? new Date(iso).toLocaleTimeString() : ""; }
  function showError(message) { $("chat-error").textContent = message || ""; }
  function request(event, data, done) {
    socket.emit(event, data, function (answer) {
      if (!answer || !answer.ok) { showError((answer && answer.error) || _("No answer from the server.")); return; }
      showError("");
      if (done) done(answer);
    });
  }

  socket.on("connect", function () {
    $("connection").textContent = _("online");
    request("overview", {}, renderOverview);
    if (current) open(current.conversation_id);
  });
  socket.on("disconnect", function (reason) {
    if (reason === "io server disconnect") { window.location.href = "/login?next=%2Fagent"; return; }  // logged out
    $("connection").textContent = _("offline – reconnecting…");
  });
  socket.on("connect_error", function (error) { $("connection").textContent = _("cannot connect: {reason}", { reason: error.message }); });
  socket.on("overview", renderOverview);
  // The customer deleted their chat (or an admin erased it on request): it is closed here and
  // nothing of it stays on this screen.
  socket.on("conversation_erased", function (data) {
    mails.forEach(function (mail, id) { if (mail.conversation_id === data.conversation_id) mails.delete(id); });
    if (current && data.conversation_id === current.conversation_id) {
      current = null; seen = new Set();
      $("transcript").textContent = ""; $("chat").hidden = true;
    }
    $("erased").textContent = _("Conversation #{reference} was deleted at the customer's request (or by an admin); it is closed and nothing of it is kept.",
                                { reference: data.conversation_id });
    $("erased").hidden = false;
  });
  socket.on("message", function (data) {
    if (current && data.conversation_id === current.conversation_id) { addMessage(data.message); }
    else { unread.add(data.conversation_id); request("overview", {}, renderOverview); }
  });
  // An e-mail carrying a reply was queued, taken, sent, put off or given up (helpdesk/mail_replies.py).
  socket.on("mail", noteMail);
  socket.on("customer_typing", function (data) {
    if (current && data.conversation_id === current.conversation_id) $("typing").hidden = !data.typing;
  });
  socket.on("customer_presence", function (data) {
    if (current && data.conversation_id === current.conversation_id) showPresence(data.present);
  });

  function renderOverview(data) {
    mine = new Set((data.mine || []).map(function (h) { return h.conversation_id; }));
    $("waiting-count").textContent = String((data.waiting || []).length);
    var queue = $("queue"); queue.textContent = "";
    (data.waiting || []).forEach(function (item) {
      var label = "#" + item.reference + " · " + (REASONS[item.reason] || item.reason) + " · " + (item.language || "?") +
        " · " + _("waiting {time}", { time: minutes(item.waiting_seconds) }) +
        (item.offline ? " · " + (item.contact_email ? _("left a message ({email})", { email: item.contact_email }) : _("left a message")) : "") +
        "\n" + (item.preview || "");
      queue.appendChild(listItem(item.conversation_id, label, (item.reason === "safety" ? "safety" : item.priority > 0 ? "upset" : "") + (item.offline ? " offline" : "")));
    });
    var list = $("mine"); list.textContent = "";
    (data.mine || []).forEach(function (h) {
      list.appendChild(listItem(h.conversation_id, "#" + h.reference + " · " + (REASONS[h.reason] || h.reason), ""));
    });
    if (current) renderControls();
  }
  function listItem(id, label, cls) {
    var li = el("li", cls + (unread.has(id) ? " unread" : ""));
    var b = el("button", null, label);
    b.type = "button";
    b.setAttribute("data-conversation", String(id));
    b.addEventListener("click", function () { open(id); });
    li.appendChild(b);
    return li;
  }

  function open(id) {
    request("open", { conversation_id: id }, function (answer) { unread.delete(id); render(answer.conversation); });
  }
  function render(conversation) {
    // The same conversation again (a refresh, a reconnect): keep what is shown and add what is
    // new, so a message pushed while the refresh was under way is not wiped by an older snapshot.
    var same = current && current.conversation_id === conversation.conversation_id;
    current = conversation;
    if (!same) { seen = new Set(); $("transcript").textContent = ""; }
    $("chat").hidden = false;
    $("chat-title").textContent = _("Conversation #{reference} ({language})", { reference: conversation.reference, language: conversation.language || "?" });
    var last = conversation.handoffs[conversation.handoffs.length - 1];
    $("chat-meta").textContent = last
      ? _("Reason: {reason} · waited {waited} · first response {first}",
          { reason: REASONS[last.reason] || last.reason, waited: minutes(last.wait_seconds), first: minutes(last.first_response_seconds) }) +
        (last.contact_email ? " · " + _("e-mail: {email}", { email: last.contact_email }) : "")
      : "";
    showPresence(conversation.customer_present);
    showMailNote(conversation);
    (conversation.mail ? conversation.mail.mails : []).forEach(noteMail);
    conversation.messages.forEach(addMessage);
    var notes = $("notes"); notes.textContent = "";
    conversation.notes.forEach(addNote);
    var list = $("suggestions"); list.textContent = "";
    conversation.suggestions.forEach(function (s) {
      var li = el("li");
      li.appendChild(el("strong", null, s.question));
      li.appendChild(document.createTextNode(" " + _("({language}, score {score})", { language: s.language, score: s.score }) + " "));
      var send = el("button", null, _("Send to customer"));
      send.type = "button";
      send.addEventListener("click", function () {
        request("send_article", { conversation_id: current.conversation_id, slug: s.slug });
      });
      li.appendChild(send);
      li.appendChild(el("p", "meta", s.summary));
      list.appendChild(li);
    });
    var select = $("canned");
    while (select.options.length > 1) select.remove(1);
    canned.forEach(function (c, i) { var o = el("option", null, c.title); o.value = String(i); select.appendChild(o); });
    $("typing").hidden = true;
    renderControls();
  }
  function renderControls() {
    var waiting = current.state === "waiting";
    var owned = current.state === "agent" && mine.has(current.conversation_id);
    $("claim").hidden = !waiting;
    $("work").hidden = !owned;
  }
  function showPresence(present) {
    $("presence").textContent = present ? _("The customer is in the chat.") : _("The customer has left the chat.");
  }
  function addMessage(m) {
    if (m.id !== undefined) { if (seen.has(m.id)) return; seen.add(m.id); }
    var who = { customer: _("Customer"), bot: _("Bot"), system: _("Notice") }[m.sender] || m.agent_name || _("Agent");
    var item = el("div", "msg msg-" + m.sender);
    item.setAttribute("data-id", String(m.id));
    item.appendChild(el("span", "who", who + " · " + new Date(m.time).toLocaleTimeString()));
    item.appendChild(document.createTextNode(m.text || ""));
    (m.quick_replies || []).forEach(function (q) { item.appendChild(el("span", "meta", " [" + q.title + "]")); });
    if (m.mail) noteMail(m.mail);
    var later = Array.prototype.find.call($("transcript").children, function (node) {
      return Number(node.getAttribute("data-id")) > m.id;
    });
    $("transcript").insertBefore(item, later || null);  // in the order they were stored
    showMail(m.id);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  // Whether this chat's replies go out by e-mail, said plainly: the customer was promised an answer by e-mail.
  function showMailNote(conversation) {
    var mail = conversation.mail || {}, note = $("mail-note"), ref = "#" + conversation.reference;
    note.hidden = !mail.offline;
    if (!mail.offline) { note.textContent = ""; return; }
    if (!mail.to) {
      note.textContent = _("The customer left no e-mail address: your replies reach them only in the chat.");
    } else if (mail.smtp) {
      note.textContent = _("The customer left a message while nobody was here: every reply you send is also e-mailed to {to} (one mail per reply, with the reference {reference}).",
                           { to: mail.to, reference: ref });
    } else {
      note.textContent = _("No mail server is configured, so replies are NOT e-mailed. Send your answer from your own mail program to {to} and give the reference {reference}.",
                           { to: mail.to, reference: ref });
    }
  }
  function noteMail(mail) {
    var known = mails.get(mail.message_id);
    if (known && known.revision > mail.revision) return;  // an older word arriving late
    mails.set(mail.message_id, mail);
    showMail(mail.message_id);
  }
  function showMail(messageId) {
    var mail = mails.get(messageId);
    var item = mail && $("transcript").querySelector('[data-id="' + messageId + '"]');
    if (!item) return;
    var line = item.querySelector(".mail-status");
    if (!line) { line = el("span", "mail-status"); item.appendChild(line); }
    line.textContent = "";
    line.setAttribute("data-status", mail.status);
    var reason = mail.error && (TEXTS[mail.error] || mail.error);  // our own reasons are in TEXTS (agent_web)
    var values = { to: mail.to, error: reason, sent: clock(mail.sent_at), next: clock(mail.next_attempt_at) };
    var text = {
      queued: _("e-mail to {to} queued", values),
      sending: _("sending the e-mail to {to}…", values),
      sent: _("e-mailed to {to} at {sent}", values),
      retrying: _("e-mail to {to} not sent yet ({error}); next try at {next}", values),
      failed: _("e-mail to {to} failed: {error}", values)
    }[mail.status] || mail.status;
    line.appendChild(document.createTextNode("✉ " + text));
    if (mail.status === "failed") {
      var again = el("button", null, _("Send again"));
      again.type = "button";
      again.addEventListener("click", function () { request("retry_mail", { mail_id: mail.id }, function (a) { noteMail(a.mail); }); });
      line.appendChild(document.createTextNode(" "));
      line.appendChild(again);
    }
  }
  function addNote(n) {
    $("notes").appendChild(el("li", null, n.author + ": " + n.text));
  }

  $("claim").addEventListener("click", function () {
    request("claim", { conversation_id: current.conversation_id }, function (answer) {
      mine.add(answer.conversation.conversation_id);
      render(answer.conversation);
      $("reply").focus();
    });
  });
  var typingTimer = null, typingSent = 0;
  function typing(on) {
    if (!current || !mine.has(current.conversation_id)) return;
    socket.emit("typing", { conversation_id: current.conversation_id, typing: on });
  }
  $("reply").addEventListener("input", function () {
    if (Date.now() - typingSent > 2000) { typing(true); typingSent = Date.now(); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typing(false); typingSent = 0; }, 3000);
  });
  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply").value;
    if (!text.trim()) return;
    var first = current.handoffs.length && current.handoffs[current.handoffs.length - 1].first_response_seconds === null;
    request("reply", { conversation_id: current.conversation_id, text: text }, function (answer) {
      addMessage(answer.message);
      if (first) open(current.conversation_id);  // shows the first-response time now recorded
      $("reply").value = "";
      clearTimeout(typingTimer); typing(false); typingSent = 0;
    });
  });
  $("canned").addEventListener("change", function () {
    var c = canned[Number(this.value)];
    if (c) { $("reply").value = c.texts[current.language] || c.texts.en || c.texts.de; $("reply").focus(); }
    this.value = "";
  });
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    request("note", { conversation_id: current.conversation_id, text: $("note").value }, function (answer) {
      addNote(answer.note); $("note").value = "";
    });
  });
  $("resolve-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var kind = document.querySelector("input[name=kind]:checked");
    request("resolve", { conversation_id: current.conversation_id, summary: $("summary").value, kind: kind ? kind.value : null },
      function () { $("summary").value = ""; open(current.conversation_id); });
  });
  $("hand-back").addEventListener("click", function () {
    request("hand_back", { conversation_id: current.conversation_id }, function () { open(current.conversation_id); });
  });
})();
