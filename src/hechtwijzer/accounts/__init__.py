"""Log-in hardening: throttling (django-axes), two-step log-in (TOTP) and the idle timeout."""
