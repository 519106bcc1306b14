"""The card front: the printed side of the card, photographed by the reader and read by OCR
for 照合番号B (birth date, expiry year, security code)."""
