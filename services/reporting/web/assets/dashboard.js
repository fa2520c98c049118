// carestat dashboard
