/*! Tracking snippet v1 — no dependencies, one global: window.tracking */
(function (w, d) {
  'use strict';
  if (w.tracking && w.tracking.version) return;
  var script = d.currentScript;
  var endpoint = ((script && script.getAttribute('data-endpoint')) || (script ? new URL(script.src).origin : '')).replace(/\/$/, '');
  var DAY = 864e5, VISITOR_TTL = 365 * DAY;
  var CAMPAIGN = /[?&](utm_[a-z]+|fbclid|gclid|ttclid)=/;
  function noop() {}
  var MILESTONES = [25, 50, 75, 95];
  var queue = [], sessionId = null, ready;

  function store(key, value, ttl) {
    try {
      if (value === undefined) {
        var raw = JSON.parse(localStorage.getItem(key) || 'null');
        return raw && raw.e > Date.now() ? raw.v : null;
      }
      localStorage.setItem(key, JSON.stringify({ v: value, e: Date.now() + ttl }));
    } catch (e) { return null; }
  }
  function cookie(name) {
    var m = d.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : undefined;
  }
  function id() {
    var b = new Uint8Array(16);
    (w.crypto || w.msCrypto).getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }
  function consent() { return store('trk_consent') || {}; }
  // A page address the service takes (http(s), at most `max` characters, 2048 unless said), else undefined (left
  // out of the request rather than costing it a 400: an app's android-app:// referrer, an over-long URL).
  function pageUrl(u, max) { return u && /^https?:\/\//i.test(u) && u.length <= (max || 2048) ? u : undefined; }
  // This page's address, cut to the service's 2048 characters: an over-long URL (a tracking parameter gone wild)
  // still records the page and its campaign parameters, which come first, instead of having its requests refused.
  function here() { return location.href.slice(0, 2048); }
  // posthog-js's id, so server events land on the same PostHog person as the page's own events.
  function posthogId() {
    try { return w.posthog && typeof w.posthog.get_distinct_id === 'function' ? w.posthog.get_distinct_id() || undefined : undefined; } catch (e) { return undefined; }
  }

  // fetch with keepalive survives navigation; text/plain avoids a CORS preflight. Retries a few times, never blocks.
  function post(path, body, attempt) {
    attempt = attempt || 0;
    return fetch(endpoint + path, {
      method: 'POST', body: JSON.stringify(body), keepalive: true, credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' }
    }).then(function (r) {
      if ((r.status >= 500 || r.status === 429) && attempt < 3) return retry(path, body, attempt);
      return r.ok ? r.json() : Promise.reject(new Error('tracking ' + r.status));
    }, function (e) {
      if (attempt < 3) return retry(path, body, attempt);
      throw e;
    });
  }
  function retry(path, body, attempt) {
    return new Promise(function (res) { setTimeout(res, 500 * Math.pow(2, attempt)); }).then(function () { return post(path, body, attempt + 1); });
  }

  // POST /session on every page load. A page load's own events (its PageView) ride in it: one request, one script.
  // Its key lives in this page's memory only and goes to /session only: a retry with it finds the session the first
  // attempt made, and nothing the page gives others (the pixel gets its events' ids) can.
  var pageLoadKey = id();
  var pageLoad = null; // the body of that request while its answer is awaited (see flush)
  function session(extra) {
    var body = { url: here(), referrer: d.referrer ? d.referrer.slice(0, 2048) : undefined, sessionId: store('trk_sid') || undefined,
      visitorId: store('trk_vid') || undefined, fbp: cookie('_fbp'), fbc: cookie('_fbc'), ttp: cookie('_ttp'), posthogDistinctId: posthogId(), pageLoadKey: pageLoadKey };
    for (var k in extra) body[k] = extra[k];
    if (body.events) pageLoad = body;
    return post('/session', body).then(function (s) {
      if (pageLoad === body) pageLoad = null;
      sessionId = s.sessionId;
      // Kept exactly as long as the server keeps the session (it answers when that is).
      store('trk_sid', s.sessionId, Math.max(0, s.expiresAt - Date.now()));
      store('trk_vid', s.visitorId, VISITOR_TTL);
      return s;
    }, function (e) {
      if (pageLoad === body) pageLoad = null;
      // Unsent (network, 5xx): the page's events wait in the queue for the next send or pagehide.
      if (body.events && !/tracking 4/.test(String(e.message))) queue = body.events.concat(queue);
      throw e;
    });
  }

  // fbq and ttq get our event's id, so Meta and TikTok each keep one copy (TikTok: no PageView).
  var PIXEL = { PageView: 'PageView', ViewContent: 'ViewContent', VideoStart: 'ViewContent' };
  var DONATION_EVENT = 'Purchase'; // Meta__DonationEventName, set by the service when it serves this file
  function allowed() { return consent().marketing !== 'denied'; }
  function pixel() { return typeof w.fbq === 'function' && allowed(); }
  function tiktok() { return w.ttq && typeof w.ttq.track === 'function' && allowed(); }
  function make(name, properties) {
    var event = { event: name, eventId: id(), url: pageUrl(here()), referrer: pageUrl(d.referrer), timestamp: Date.now(), properties: properties || undefined };
    var c = properties && properties.content;
    if (PIXEL[name] && pixel()) w.fbq('track', PIXEL[name], c ? { content_ids: [c], content_name: c } : {}, { eventID: event.eventId });
    if (PIXEL[name] === 'ViewContent' && tiktok()) w.ttq.track('ViewContent', c ? { content_id: c } : {}, { event_id: event.eventId });
    return event;
  }
  function send(name, properties) {
    queue.push(make(name, properties));
    return ready.then(flush).catch(noop);
  }
  // Sends what is queued. Before the session reply is in, a returning visitor's stored id is good enough, so a
  // click followed by a quick exit still leaves on pagehide; a new visitor leaving then sends the page-load request
  // again with the queued events: its session id derives from the page's key, so both land on one session.
  // Failures never reach the host page: the batch goes back to the queue for the next send or pagehide.
  var leaving = false;
  function flush() {
    var sid = sessionId || store('trk_sid');
    if (!queue.length) return Promise.resolve();
    if (!sid) {
      if (!leaving || !pageLoad) return Promise.resolve();
      var again = {};
      for (var k in pageLoad) again[k] = pageLoad[k];
      again.events = pageLoad.events.concat(queue.splice(0, 50 - pageLoad.events.length));
      return post('/session', again).then(noop, noop);
    }
    var batch = queue.splice(0, 50);
    return post('/events', { sessionId: sid, events: batch }).then(flush, function (e) {
      if (String(e.message).indexOf('404') >= 0) return session().then(function () { queue = batch.concat(queue); return flush(); });
      if (!/tracking 4/.test(String(e.message))) queue = batch.concat(queue);
    }).catch(noop);
  }

  // Watch time: seconds actually played, from the playhead's advance between timeupdates while playing (a seek,
  // a pause or a stall adds nothing); reported with the video events and on pagehide (VideoWatch).
  var watching = [];
  function trackVideo(video) {
    if (video.__trk) return;
    var content = video.getAttribute('data-track-content'), fired = {}, started = false, completed = false;
    var meter = { content: content, pending: 0, at: null };
    watching.push(meter);
    video.__trk = true;
    function take() { var t = Math.round(meter.pending * 1000) / 1000; meter.pending = 0; return t; }
    function measure(stopping) {
      var now = video.currentTime;
      if (meter.at !== null && !video.seeking && (stopping || !video.paused)) {
        var step = (now - meter.at) / (video.playbackRate || 1);
        if (step > 0 && step < 2) meter.pending += step;
      }
      meter.at = now;
    }
    video.addEventListener('play', function () {
      meter.at = video.currentTime;
      if (!started) { started = true; send('VideoStart', { content: content }); }
    });
    function progress() {
      if (!video.duration || !isFinite(video.duration)) return;
      var pct = 100 * video.currentTime / video.duration;
      MILESTONES.forEach(function (m) {
        if (pct >= m && !fired[m]) { fired[m] = true; send('VideoProgress', { content: content, percent: m, watch_time: take() }); }
      });
    }
    video.addEventListener('timeupdate', function () { measure(); progress(); });
    video.addEventListener('seeking', function () { meter.at = null; });
    video.addEventListener('seeked', function () { meter.at = video.currentTime; progress(); });
    video.addEventListener('pause', function () { measure(true); meter.at = null; });
    video.addEventListener('ended', function () {
      measure(true);
      meter.at = null;
      progress();
      if (!completed) { completed = true; send('VideoComplete', { content: content, watch_time: take() }); }
    });
  }
  function reportWatch() {
    watching.forEach(function (m) {
      var t = Math.round(m.pending * 1000) / 1000;
      if (t > 0) { m.pending = 0; queue.push({ event: 'VideoWatch', eventId: id(), url: pageUrl(here()), timestamp: Date.now(), properties: { content: m.content, watch_time: t } }); }
    });
  }
  function scan(root) {
    root = root || d;
    if (root.matches && root.matches('video[data-track-content]')) trackVideo(root);
    if (root.querySelectorAll) Array.prototype.forEach.call(root.querySelectorAll('video[data-track-content]'), trackVideo);
  }
  // Videos a framework renders after load (React, Next.js) are tracked too, each once.
  function watchForVideos() {
    scan();
    if (!w.MutationObserver) return;
    new MutationObserver(function (changes) {
      changes.forEach(function (c) { Array.prototype.forEach.call(c.addedNodes, function (n) { if (n.nodeType === 1) scan(n); }); });
    }).observe(d.documentElement, { childList: true, subtree: true });
  }

  // Single-page sites: a client-side navigation is a PageView of the new URL, and a touch when it brings campaign
  // parameters. Hash-only changes are not navigations.
  var page = location.pathname + location.search;
  function navigated() {
    var now = location.pathname + location.search;
    if (now === page) return;
    page = now;
    // New campaign parameters: a touch, with the PageView inside it; otherwise just the PageView.
    if (!CAMPAIGN.test(location.search)) return send('PageView');
    var view = make('PageView');
    ready = ready.then(function () { return session({ events: [view] }); }).catch(noop);
  }
  function watchHistory() {
    ['pushState', 'replaceState'].forEach(function (name) {
      var original = w.history[name];
      if (typeof original !== 'function') return;
      w.history[name] = function () {
        var result = original.apply(this, arguments);
        try { navigated(); } catch (e) { /* never break the host's navigation */ }
        return result;
      };
    });
    w.addEventListener('popstate', navigated);
  }

  // The landing: its PageView is built (and given to the pixel) now and sent inside the session request.
  var landing = { events: [make('PageView')] };
  if (consent().analytics || consent().marketing) landing.consent = consent();
  ready = session(landing).catch(noop);
  w.tracking = {
    version: 1,
    ready: ready,
    event: send,
    contentView: function (content) { return send('ViewContent', { content: content }); },
    // The fundraising campaign the visitor picked (the session's selected_campaign; /checkout defaults to it).
    selectCampaign: function (campaign) { return send('CampaignSelected', { campaign: String(campaign) }); },
    // E-mail signup (POST /signup → a server-side Lead); resolves true once recorded, false when it could not be.
    signup: function (email, opts) {
      opts = opts || {};
      return ready.then(function () {
        // The page and its referrer for Meta's Lead (event_source_url, referrer_url); only web addresses the service
        // takes (http(s), at most 2048 characters: not an app's android-app:// referrer), so an odd URL never costs the signup.
        return post('/signup', { sessionId: sessionId || store('trk_sid'), email: String(email), consent: typeof opts.consent === 'boolean' ? opts.consent : undefined,
          url: pageUrl(here()), referrer: pageUrl(d.referrer) });
      }).then(function () { return true; }, function () { return false; });
    },
    consent: function (c) {
      var next = { analytics: c.analytics || consent().analytics || 'pending', marketing: c.marketing || consent().marketing || 'pending' };
      store('trk_consent', next, VISITOR_TTL);
      return ready.then(function () { return session({ consent: next }); }).then(noop, noop);
    },
    // Resolves with the Checkout Session (after redirecting to it), or null when the service could not create one.
    donate: function (amount, opts) {
      opts = opts || {};
      return ready.then(function () {
        return post('/checkout', { sessionId: sessionId, amount: amount, currency: opts.currency, email: opts.email, content: opts.content, campaign: opts.campaign,
          url: pageUrl(location.href, 500), referrer: pageUrl(d.referrer, 500) });
      }).then(function (c) { if (opts.redirect !== false) location.assign(c.url); return c; }, function () { return null; });
    },
    // On the thank-you page: the pixels' donation event with the Checkout Session id, which is the server event's
    // event_id, so Meta and TikTok each keep one of the two.
    donationComplete: function (checkoutSessionId, opts) {
      opts = opts || {};
      var paid = opts.value !== undefined ? { value: opts.value, currency: (opts.currency || 'usd').toUpperCase() } : {};
      if (checkoutSessionId && pixel()) w.fbq('track', DONATION_EVENT, paid, { eventID: checkoutSessionId });
      if (checkoutSessionId && tiktok()) w.ttq.track('Purchase', paid, { event_id: checkoutSessionId });
    }
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', watchForVideos); else watchForVideos();
  watchHistory();
  w.addEventListener('pagehide', function () { leaving = true; reportWatch(); flush(); });
  w.addEventListener('pageshow', function () { leaving = false; });
})(window, document);
