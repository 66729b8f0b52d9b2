// The idle timeout warning: before a signed-in session ends for want of activity, a modal
// dialog says so and offers to stay signed in (WCAG 2.2.1, timing adjustable). The server
// decides how long is left (another tab may have been busy); asking it does not count as
// activity. Without JavaScript the session still ends and the sign-in page says why.
const dialog = document.getElementById("app-idle-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds);
  const warning = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector("[data-idle-countdown]");
  const announce = dialog.querySelector("[data-idle-announce]");
  const stay = dialog.querySelector("form[data-idle-stay]");
  const RECHECK_SECONDS = 15;
  let timer = null;
  let endsAt = 0;
  let ticks = 0;
  let announced = "";

  // The words come from the page, in its language (data-say-*), "{n}" standing for the number.
  const say = (key, fallback, n) => (dialog.dataset[key] || fallback).replace("{n}", n);
  const words = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return minutes === 1 ? say("sayMinute", "1 minute", 1) : say("sayMinutes", "{n} minutes", minutes);
    }
    return seconds === 1 ? say("saySecond", "1 second", 1) : say("saySeconds", "{n} seconds", seconds);
  };

  const secondsLeft = () => Math.max(0, Math.round((endsAt - Date.now()) / 1000));

  const leave = () => window.location.assign(dialog.dataset.signInUrl);

  // While the warning shows: count down every second, tell screen readers now and then
  // (not every second), and ask the server again every few seconds.
  const tick = () => {
    const left = secondsLeft();
    countdown.textContent = words(left);
    const spoken =
      left > 60 ? words(left) : left > 20 ? say("sayLess", "less than a minute", 0) : words(20);
    if (spoken !== announced) {
      if (announced) announce.textContent = say("sayAnnounce", "You will be signed out in {n}.", spoken);
      announced = spoken;
    }
    ticks += 1;
    if (left === 0 || ticks % RECHECK_SECONDS === 0) {
      check();
      return;
    }
    timer = window.setTimeout(tick, 1000);
  };

  const follow = (left) => {
    window.clearTimeout(timer);
    endsAt = Date.now() + left * 1000;
    if (left <= 0) {
      leave();
      return;
    }
    if (left > warning) {
      if (dialog.open) dialog.close();
      timer = window.setTimeout(check, (left - warning) * 1000);
      return;
    }
    if (!dialog.open) {
      announced = "";
      ticks = 0;
      dialog.showModal();
    }
    tick();
  };

  const ask = async (url, options = {}) => {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        ...options,
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const state = await response.json();
      follow(state.signed_in ? state.seconds_left : 0);
    } catch (error) {
      // The server could not be asked: keep counting from what was known, and try again.
      window.clearTimeout(timer);
      if (secondsLeft() === 0) leave();
      else timer = window.setTimeout(check, 5000);
    }
  };

  const check = () => ask(dialog.dataset.statusUrl);
  const extend = () => ask(stay.action, { method: "POST", body: new FormData(stay) });

  stay.addEventListener("submit", (event) => {
    event.preventDefault();
    extend();
  });
  // Escape closes a modal dialog: take it as "stay signed in", as the button.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    extend();
  });
  follow(idle);
}
