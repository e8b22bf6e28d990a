"""Ground services: atomic writes, safe JSON, the opener, npz, BLAS threads, output checks, desktop folders, format sniffing, memory."""
