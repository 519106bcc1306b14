"""Running the kiosk as a machine's only application, started and watched by systemd.

- :mod:`kiosk.deploy.sdnotify` — ``notify("READY=1")`` and the watchdog pinger (the sd_notify
  protocol in pure Python, no libsystemd);
- :mod:`kiosk.deploy.unit` — the systemd unit (Type=notify, WatchdogSec, Restart=on-failure,
  started with graphical.target), rendered for this installation;
- :mod:`kiosk.deploy.launcher` — the launcher: a single-application Wayland (cage) or X
  (xinit) session running ``kiosk run --fullscreen``;
- :mod:`kiosk.deploy.supervise` — a small supervisor applying a unit's Restart=, RestartSec=,
  WatchdogSec= and Type=notify rules (for tests and machines without systemd).
"""
