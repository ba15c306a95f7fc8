/**
 * Sends requests to the database in batches. While `maxInFlight` batches are in flight, new requests
 * wait and go together in the next one, so under load one round trip and one commit serve many
 * requests; when the service is quiet a batch is a single request and waits for nothing. A batch that
 * fails is tried again one request at a time, so whatever failed it fails only the request it belongs to.
 *
 * `send` answers with one result per request, in the order of the requests.
 */
export class Batcher<Request, Result> {
  private readonly waiting: {
    request: Request;
    resolve: (result: Result) => void;
    reject: (err: unknown) => void;
  }[] = [];
  private inFlight = 0;

  constructor(
    private readonly send: (requests: Request[]) => Promise<Result[]>,
    private readonly options = { maxInFlight: 1, maxBatch: 200 },
  ) {}

  submit(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.sendWaiting();
    });
  }

  private sendWaiting(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.settle(batch).finally(() => {
        this.inFlight -= 1;
        this.sendWaiting();
      });
    }
  }

  private async settle(batch: Batcher<Request, Result>['waiting']): Promise<void> {
    try {
      const results = await this.send(batch.map((w) => w.request));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      await Promise.all(
        batch.map((w) =>
          this.send([w.request]).then(
            ([result]) => w.resolve(result),
            (e: unknown) => w.reject(e),
          ),
        ),
      );
    }
  }
}
