"""`envgen status`: a running environment compared with its rendered compose file."""
