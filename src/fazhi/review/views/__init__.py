"""The pages of the review chain: chain.py (campaigns, applications, the expert's sheet; urls.py)
and publicity.py (the public portal's 公示 page, no sign-in; routed in fazhi/urls.py)."""
