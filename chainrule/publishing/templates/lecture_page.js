(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lecture-data").textContent);
  var video = document.getElementById("video");
  var box = document.getElementById("transcript");
  var cueEls = Array.prototype.slice.call(document.querySelectorAll(".cue"));
  var chapterEls = Array.prototype.slice.call(document.querySelectorAll(".chapter"));
  var stepEls = Array.prototype.slice.call(document.querySelectorAll(".step"));

  // Subtitles from the same cues as the transcript: a <track src="x.vtt"> is refused on a page
  // opened from a file (no network, no server), a track built here is not.
  function addSubtitles() {
    if (!video.addTextTrack || !window.VTTCue || !data.cues.length) { return; }
    var track = video.addTextTrack("subtitles", "English", "en");
    data.cues.forEach(function (c) { track.addCue(new VTTCue(c.start, c.end, c.text)); });
    track.mode = "showing";
  }
  addSubtitles();

  function typeset() {
    if (!window.katex) { return; }
    document.querySelectorAll(".formula[data-tex]").forEach(function (el) {
      var options = { displayMode: true, throwOnError: true };
      try { katex.render(el.dataset.tex, el, options); return; } catch (e) { /* plain next */ }
      try { katex.render(el.dataset.plain, el, options); return; } catch (e) { /* below */ }
      options.throwOnError = false;
      katex.render(el.dataset.plain, el, options);
    });
  }

  function lastStarted(items, t) {
    var found = -1;
    for (var i = 0; i < items.length; i++) { if (items[i].start <= t + 0.001) { found = i; } }
    return found;
  }

  function cueAt(t) {
    for (var i = 0; i < data.cues.length; i++) {
      if (data.cues[i].start <= t && t < data.cues[i].end) { return i; }
    }
    return -1;
  }

  function mark(elements, index, name) {
    elements.forEach(function (el, i) {
      var on = i === index;
      el.classList.toggle(name, on);
      if (on) { el.setAttribute("aria-current", "true"); } else {
        el.removeAttribute("aria-current"); }
    });
  }

  var shownCue = -2;
  function refresh() {
    var t = video.currentTime;
    var k = cueAt(t);
    if (k !== shownCue) {
      shownCue = k;
      mark(cueEls, k, "spoken");
      if (k >= 0) { keepVisible(cueEls[k]); }
    }
    mark(chapterEls, lastStarted(data.chapters, t), "current");
    mark(stepEls, lastStarted(data.steps, t), "current");
  }

  function keepVisible(el) {
    var top = el.offsetTop;  // #transcript is positioned: offsets are within it
    if (top < box.scrollTop || top + el.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }

  function seek(t) {
    video.currentTime = t;
    refresh();
  }

  document.querySelectorAll("[data-seek]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      seek(parseFloat(el.dataset.seek));
    });
  });

  function follow() {
    refresh();
    if (!video.paused && !video.ended) { window.requestAnimationFrame(follow); }
  }
  ["timeupdate", "seeking", "seeked", "loadedmetadata"].forEach(function (name) {
    video.addEventListener(name, refresh);
  });
  video.addEventListener("play", function () { window.requestAnimationFrame(follow); });

  typeset();
  refresh();
})();
