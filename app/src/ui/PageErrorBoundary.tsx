/**
 * What a page shows when it fails while rendering (a chunk that did not load, a figure the page did not
 * expect): the error in words and a way to try again, instead of a blank screen.
 */
import { Component, type ReactNode } from "react";

import { ErrorNote } from "./Status.tsx";

export class PageErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <div>
        <ErrorNote error={this.state.error} title="Could not show this page" />
        <button type="button" onClick={() => this.setState({ error: undefined })}>
          Try again
        </button>
      </div>
    );
  }
}
