"""Reference sentiment-classification API: a small, real workload for the deployment."""
