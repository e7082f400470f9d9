"""The conformance checks, one pytest module per spec area (collected by ``pytest conformance``)."""
