"""Where the reception meets the real world: adapters from the reception's ports to the
card, face, records, eligibility and staff packages (and scripted face verdicts), and the
services factory :func:`kiosk.wiring.services.build_services` that every entry point's
composition root calls. The reception never imports this package."""
