"""Open Badges 3.0 credentials beside the PDF: a signed JWT-VC per certificate, the issuer's keys (did:web and
JWKS), the Bitstring Status List for revocation, and the verdict for a pasted or uploaded credential."""
