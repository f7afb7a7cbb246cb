// Relay fragments the compiler checks against Concord's schema: a paginated list with
// @connection and a fragment refetchable through `node(id:)`.
import { graphql } from 'relay-runtime';

export const organisationEvents = graphql`
  fragment EventsOrganisationEvents_organisation on Organisation
  @refetchable(queryName: "OrganisationEventsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    id
    nameEn
    events(first: $count, after: $cursor) @connection(key: "EventsOrganisationEvents_events") {
      edges {
        node {
          id
          title
        }
      }
    }
  }
`;

export const eventList = graphql`
  fragment EventsEventList_query on Query
  @refetchable(queryName: "EventListPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" }) {
    events(first: $count, after: $cursor) @connection(key: "EventsEventList_events") {
      totalCount
      edges {
        node {
          id
          title
        }
      }
    }
  }
`;

export const organisationPage = graphql`
  query EventsOrganisationPageQuery($id: ID!) {
    node(id: $id) {
      ...EventsOrganisationEvents_organisation @alias
    }
  }
`;
